"""Pages of planner; see scoring/urls.py."""
