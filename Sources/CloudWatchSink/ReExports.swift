// CloudWatch's rules, prices and the cost estimate come with this module:
// `MetricDatumValidationError`, `CloudWatchPrices`, `CostEstimate` and
// `manager.costEstimate()` need no import of their own.
@_exported import CloudWatchCommon

// The retry policy and the HTTP errors of the sink's options and results
// (`RetryPolicy`, `RetryQuota`, `HTTPTransportError`) need none either.
@_exported import CWMHTTP
