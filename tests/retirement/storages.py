"""Storages that refuse to delete chosen files, as a storage with a permission problem would: configured through
STORAGES like any other backend, so the code under test runs unchanged."""

from django.core.files.storage import FileSystemStorage
from storages.backends.s3 import S3Storage


class _Refusing:
    def __init__(self, *, refuse=(), **options):
        super().__init__(**options)
        self.refuse = set(refuse)

    def delete(self, name):
        if name in self.refuse:
            raise PermissionError(f"delete refused: {name}")
        super().delete(name)


class RefusingFileSystemStorage(_Refusing, FileSystemStorage):
    pass


class RefusingS3Storage(_Refusing, S3Storage):
    pass
