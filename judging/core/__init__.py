"""The pure core: rules and maths with no Flask, SQLAlchemy or I/O, tested on its own."""
