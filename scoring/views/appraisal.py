"""Pages of appraisal; see scoring/urls.py."""
