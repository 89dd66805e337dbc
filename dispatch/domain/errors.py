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
