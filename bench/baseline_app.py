"""Baseline for bench/quiz_throughput.py: a tiny Jinja page on GET, one sqlite3 insert per POST."""

import functools
import os
import sqlite3

from flask import Flask, redirect, render_template, request
from jinja2 import DictLoader

PAGE = """<!doctype html><title>{{ title }}</title><h1>{{ title }}</h1><form method="post">
<input name="answer" value="{{ answer }}"><button>Nộp bài</button></form>"""
app = Flask(__name__)
app.jinja_loader = DictLoader({"page.html": PAGE})  # compiled once and cached, like a file


@functools.cache  # one connection per worker process, opened after gunicorn forks
def db() -> sqlite3.Connection:
    conn = sqlite3.connect(os.environ.get("BASELINE_DB", "baseline.sqlite"), timeout=15)
    conn.isolation_level = None  # autocommit: each INSERT is its own transaction
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")  # as Lan Tỏa's database.py sets it
    conn.execute("CREATE TABLE IF NOT EXISTS answer (id INTEGER PRIMARY KEY, value TEXT)")
    return conn


@app.route("/", methods=["GET", "POST"])
def index():
    if request.method == "POST":
        db().execute("INSERT INTO answer (value) VALUES (?)", (request.form.get("answer"),))
        return redirect("/", code=303)
    return render_template("page.html", title="Kiểm tra", answer="a")
