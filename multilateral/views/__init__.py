"""Blueprints: parse input, call a service, commit, render or jsonify."""
