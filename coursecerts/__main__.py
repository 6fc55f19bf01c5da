from coursecerts.cli import main

main()
