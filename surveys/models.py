# Survey models arrive with the surveys capability (issue 5).
