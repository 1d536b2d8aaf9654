"""How many SQL statements a request issues (the N+1 tests of the lists: a page's statements do
not grow with the number of its rows)."""

from sqlalchemy import event

from tcm_app.extensions import db

# Pinyin-free Chinese names, one per row, so that each row's patient can be found on the page.
NAMES = ["王一", "李二", "张三", "刘四", "陈五", "杨六", "黄七", "赵八", "吴九", "周十"]


def statements_of(client, url: str) -> tuple[int, str]:
    """GET `url`; the number of statements it sent to the database and the page's text."""
    count = 0

    def one_more(*_args):
        nonlocal count
        count += 1

    event.listen(db.engine, "before_cursor_execute", one_more)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", one_more)
    assert response.status_code == 200, response.status_code
    return count, response.get_data(as_text=True)
