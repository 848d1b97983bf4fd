"""Text for people: French number and date formats, data shown as plain text."""
