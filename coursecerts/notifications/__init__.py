"""Email to learners (DESIGN.md "How it connects"; ADR 0023): the "email" sink of the outgoing certificate
events, the emails owed and their delivery, the per-run switch, resends, and the learner's page of certificates.

The public entry point for other apps is services.learner_emails_queue (see its docstring for adding a kind)."""
