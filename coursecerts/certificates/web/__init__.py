"""The web certificate: the public page, the staff preview, the template cascade, the safe template engine for
operators' templates, and the render context they all share (Open edX reference section 4)."""
