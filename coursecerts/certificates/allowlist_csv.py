"""Reading an allowlist CSV upload (username or email, notes) into rows for allowlist_bulk_add, with Open
edX's general errors for a file that is missing, not a .csv, or unreadable. The REST API's bulk endpoint and
the console's upload both read it here."""

from __future__ import annotations

import csv
import io


def allowlist_csv_rows(upload) -> tuple[list[list[str]], list[str]]:
    """The rows of the uploaded CSV and the Open edX general errors."""
    if upload is None:
        return [], ["File is not attached."]
    if not upload.name.endswith(".csv"):
        return [], [
            "Make sure that the file you upload is in CSV format with no extraneous characters or rows."
        ]
    try:
        text = upload.read().decode("utf-8-sig")
        if "\x00" in text:
            raise UnicodeDecodeError("utf-8", b"\x00", 0, 1, "null character")
        return list(csv.reader(io.StringIO(text))), []
    except (UnicodeDecodeError, csv.Error):
        return [], ["Could not read uploaded file."]
    finally:
        upload.close()
