"""Application errors raised by services and selectors, translated once by each adapter
(the API's exception handlers, the views' forms and messages)."""


class ApplicationError(Exception):
    status_code = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(ApplicationError):
    """Missing, or another user's: both look the same from outside."""

    status_code = 404

    def __init__(self, message: str = "Not found."):
        super().__init__(message)


class Conflict(ApplicationError):
    status_code = 409


class Forbidden(ApplicationError):
    status_code = 403


class PayloadTooLarge(ApplicationError):
    """An uploaded file over its limit."""

    status_code = 413
