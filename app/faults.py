"""The service's faults: what went wrong, as types that know their HTTP status and their
name in each protocol's vocabulary. No web code: storage, services and ``obscura worker``
raise them; the web edge (``app/handlers/errors.py``) alone turns them into responses.

::

    ServiceError               500  DefaultFault     Error
    ├── UsageError             400  UsageFault       UsageError      the request is wrong
    │   ├── UploadError        400  UsageFault       UsageError      an UPLOAD table
    │   ├── MultiValuedParamError 400 UsageFault     MultiValuedParamNotSupported
    │   ├── RequestTimeoutError 408 UsageFault       UsageError      the body stopped arriving
    │   └── RequestTooLargeError 413 UsageFault      UsageError      the body is over its limit
    ├── NotFoundError          404  NotFoundFault    UsageError      no such resource (or not yours)
    ├── QueryTimeoutError      400  TransientFault   ServiceUnavailable  past the time limit
    ├── QueryCancelledError    400  TransientFault   ServiceUnavailable  aborted, or the client left
    ├── TransientError         503  TransientFault   ServiceUnavailable  try again later
    └── FatalError             500  FatalFault       Error           the service cannot do it

The columns are the HTTP status, the DALI label (SIA, DataLink: ``UsageFault: ...``) and
the SODA label (sync cutouts: ``UsageError: ...``). TAP writes the message without a
label. The message is always written for the person who sent the request: what is wrong
and what to do.
"""

from __future__ import annotations

from typing import ClassVar, Literal

__all__ = [
    "FatalError",
    "MultiValuedParamError",
    "NotFoundError",
    "QueryCancelledError",
    "QueryTimeoutError",
    "RequestTimeoutError",
    "RequestTooLargeError",
    "ServiceError",
    "TooManyRequestsError",
    "TransientError",
    "UploadError",
    "UsageError",
]


class ServiceError(Exception):
    """A fault the client can read; its class says how each protocol names it."""

    status_code: ClassVar[int] = 500
    dali_label: ClassVar[str] = "DefaultFault"
    soda_label: ClassVar[str] = "Error"
    job_error_type: ClassVar[Literal["fatal", "transient"]] = "fatal"
    """How a UWS job that failed this way records it (``errorSummary type``)."""


class UsageError(ServiceError):
    """The request is wrong: a missing, repeated or invalid parameter, bad ADQL."""

    status_code = 400
    dali_label = "UsageFault"
    soda_label = "UsageError"


class UploadError(UsageError):
    """An UPLOAD table is malformed, too big or refers to nothing."""


class MultiValuedParamError(UsageError):
    """A parameter given more times than the service accepts (SODA's own label)."""

    soda_label = "MultiValuedParamNotSupported"


class RequestTimeoutError(UsageError):
    """The client stopped sending its request body."""

    status_code = 408


class RequestTooLargeError(UsageError):
    """The request body is larger than the service accepts."""

    status_code = 413


class NotFoundError(ServiceError):
    """The resource does not exist (or belongs to someone else)."""

    status_code = 404
    dali_label = "NotFoundFault"
    soda_label = "UsageError"


class QueryTimeoutError(ServiceError):
    """The query ran past its time limit."""

    status_code = 400
    dali_label = "TransientFault"
    soda_label = "ServiceUnavailable"


class QueryCancelledError(ServiceError):
    """The query was cancelled: its async job was aborted, or its client went away."""

    status_code = 400
    dali_label = "TransientFault"
    soda_label = "ServiceUnavailable"


class TransientError(ServiceError):
    """The service cannot answer now (its database is down); the same request may work
    later."""

    status_code = 503
    dali_label = "TransientFault"
    soda_label = "ServiceUnavailable"
    job_error_type = "transient"


class TooManyRequestsError(ServiceError):
    """The client has as many requests running as it may; it may send more once one
    ends."""

    status_code = 429
    dali_label = "TransientFault"
    soda_label = "ServiceUnavailable"
    job_error_type = "transient"


class FatalError(ServiceError):
    """The service cannot do what was asked, however often it is asked."""

    dali_label = "FatalFault"
