"""Classifying posts: rules, model, field extraction and evaluation."""
