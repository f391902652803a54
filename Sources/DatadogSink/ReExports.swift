// The retry policy and the HTTP errors of the sink's options and results
// (`RetryPolicy`, `RetryQuota`, `HTTPStatusError`, `HTTPTransportError`)
// come with this module and need no import of their own.
@_exported import CWMHTTP
