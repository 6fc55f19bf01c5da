"""Date formats where Django's own for a language are missing (settings.FORMAT_MODULE_PATH): Django looks here
first, then in its own locale formats, one setting at a time."""
