"""Domain errors: raised when a value breaks a rule of the business, with a message a person can act on."""


class DomainError(ValueError):
    """A value that the business rules refuse."""
