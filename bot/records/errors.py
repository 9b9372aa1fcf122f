"""The records' one user-meaningful exception."""


class RecordsError(Exception):
    """The records cannot be used as asked (wrong key, unknown report, immutable row); the
    message says what to do and is safe to show to the district IT person."""
