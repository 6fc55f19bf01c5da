"""Plain bulk writes of rows whose values are already checked: coursecerts.common.bulk_rows, the bulk import's
writers (COPY on PostgreSQL, one executemany elsewhere; updates by primary key). The ORM's bulk_create would set
the auto_now timestamps to now; an import keeps the source's created and modified dates, and builds no model
instances for a million rows."""

from coursecerts.common.bulk_rows import rows_insert, rows_update

__all__ = ["rows_insert", "rows_update"]
