"""Password policy for hospital accounts (等保 Level 3 asks for complexity and length).

Pure: standard library only. Returns problem codes; the form turns them into messages.
"""

MIN_LENGTH = 8
MAX_LENGTH = 128


def password_problems(password: str, username: str) -> list[str]:
    """Codes: too_short, too_long, needs_letter, needs_digit, contains_username."""
    problems = []
    if len(password) < MIN_LENGTH:
        problems.append("too_short")
    if len(password) > MAX_LENGTH:
        problems.append("too_long")
    if not any(ch.isalpha() for ch in password):
        problems.append("needs_letter")
    if not any(ch.isdigit() for ch in password):
        problems.append("needs_digit")
    if username and username.lower() in password.lower():
        problems.append("contains_username")
    return problems
