"""The entities a researcher joins on (members, action plans, institutions, each member's
commitment list), derived from the commitment pages' rows. Pure: no I/O but reading the
packaged word lists (``pipeline/entities.toml``).

``keys`` makes the keys (and is used by transform, row by row), ``institutions`` splits an
institution value, ``build`` makes the entity tables of a publish.
"""
