"""Domain errors: raised when a value breaks a rule of the business, with a message a person can act on."""


class DomainError(ValueError):
    """A value that the business rules refuse."""


class Conflict(DomainError):
    """A valid request that clashes with what is stored (a duplicate, a lock, a solve already running)."""


class Stale(Conflict):
    """A change made from a version of a record since replaced; ``current`` names the version now."""

    def __init__(self, message: str, current: str | None) -> None:
        super().__init__(message)
        self.current = current


class RecordNotFound(DomainError, LookupError):
    """A request named a record that is not stored (an id, a day without a plan, a part not listed)."""


class InvalidReference(DomainError):
    """A record names another that is not stored (a site of a customer that does not exist)."""


class StorageRuleBroken(DomainError):
    """A record breaks a rule the storage keeps (a value missing, a check refused)."""


class Unstorable(DomainError):
    """A value that does not fit where it is stored (too long, out of range)."""


class StorageUnavailable(DomainError):
    """The database cannot be reached now (restarting, unreachable, out of connections): nothing was
    decided, and the request may be repeated after ``retry_after_s``."""

    def __init__(self, message: str, retry_after_s: int = 2) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s
