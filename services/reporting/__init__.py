"""What the commune measures and reports: unit reports, survey results, indicators against
targets, poster funnels, the half-year report, activities, recognition and the science register.
"""
