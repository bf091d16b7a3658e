"""The history of every commitment: what each publish changed (``commitment_changes``) and
every published version (``commitment_history``), carried forward from publish to publish.

``update`` compares a publish with the history so far and extends both tables; ``values``
turns values into the text of a change row; ``summary`` says what changed (run report, HTML
report); ``diff`` compares two publishes; ``rebuild`` recomputes both tables from raw/.
"""
