"""Excel files in and out. openpyxl is imported only inside this package."""
