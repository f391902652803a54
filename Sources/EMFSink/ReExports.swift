// CloudWatch's rules, prices and the cost estimate come with this module:
// `MetricDatumValidationError`, `CloudWatchPrices`, `CostEstimate` and
// `manager.costEstimate()` need no import of their own.
@_exported import CloudWatchCommon
