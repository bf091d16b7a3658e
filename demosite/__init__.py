"""A local copy of the OGP site's structure, served on 127.0.0.1 for the demo, the tests and
the benchmarks. It lives apart from the pipeline's three stages and never touches the network."""
