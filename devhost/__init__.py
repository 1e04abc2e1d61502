"""The local Functions host: serves the app's HTTP routes, drives its blob trigger and timers.

Azure Functions Core Tools cannot be installed on these machines; this host imports
`function_app` and runs the registered functions as the real host would, no kinder.
"""
