"""Tallies kept as participation arrives (the indicators' aggregate) and the rules they
count by: below participation, which writes them, and reporting, which reads them."""
