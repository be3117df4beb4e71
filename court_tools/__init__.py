"Command-line tools of the court platform: set-up, demo data, tests."
