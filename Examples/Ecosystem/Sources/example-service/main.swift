// The example service: `swift run example-service [port]`, then
// `curl -X POST 'http://127.0.0.1:8080/orders?items=3'`; the console shows
// the window's metrics every 10 seconds. Ctrl-C exports the last window.

import ExampleService

let port = CommandLine.arguments.dropFirst().first.flatMap(Int.init) ?? 8080
try await ExampleService.run(port: port)
