"""Building blocks every other package may use: text cleaning, Vietnamese dates and numbers,
random codes, digests, reporting periods and the one error shape services raise. Imports nothing
from the other service packages.
"""
