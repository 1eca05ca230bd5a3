"""Learners taking part: light identity, the catalogue they see, quiz attempts and scoring,
survey responses, certificates, late (offline) answers, posters and personal data (export,
erasure, retention).
"""
