"""The commune's organisation: units and the unit tree (and its import), staff accounts and
passwords, who may see which unit, class rosters, and the audit log of staff actions.
"""
