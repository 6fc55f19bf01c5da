"""The web certificate's pages: the public page and its PDF, the landing page, the staff preview, with their
URLs, page cache, rate limit and CSP, on top of certificates.rendering (Open edX reference section 4)."""
