"""Running the platform in production: the health check and backup/restore of the database and files."""
