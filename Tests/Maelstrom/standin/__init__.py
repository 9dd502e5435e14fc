"""A Maelstrom stand-in for messenger's tests: network, services, clients, checkers.

Maelstrom itself needs a JVM; this package plays its part with the standard library only. Every
module says which Maelstrom source it follows and what it simplifies.
"""
