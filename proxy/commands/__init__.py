"""Sub-commands of the `deid-proxy` command line, one module each."""
