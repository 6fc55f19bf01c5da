"""Rendering a certificate: the template cascade, the typed render context, the sandboxed engine for operators'
templates, the HTML and PDF engines, QR codes, fonts, dates and languages. It knows nothing of requests or of the
page cache; the public pages (certificates.web) and the services (PDFs, template versions) sit on top of it."""
