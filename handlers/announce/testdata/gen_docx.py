#!/usr/bin/python3
"""Writes plan-part5-python-docx.docx with python-docx (Debian's
python3-docx 0.8.11), an implementation independent of ours: 篇五 of
plans-union-group-5.txt, its prose as paragraphs and its month schedule as
a table 学期 | 月份 | 主要工作 | 负责人 whose 学期 column is merged down with
python-docx's own cell.merge, each item a paragraph of the work cell made
of two runs (the number in bold, then the text).

Run from this folder: /usr/bin/python3 gen_docx.py
"""
import re
import docx

text = open("plans-union-group-5.txt", encoding="utf-8").read()
text = text[text.index("工会小组年度工作计划篇五"):]
lines = [l.strip() for l in text.splitlines() if l.strip()]
head = re.compile(r"^[元一二三四五六七八九十]+月?(?:[、至][元一二三四五六七八九十]+)*月份?\s*[:：]?$")
item = re.compile(r"^(\d{1,2}、)(.*)$")

d = docx.Document()
i = 0
while i < len(lines) and not head.match(lines[i]):
    d.add_paragraph(lines[i])
    i += 1
rows = []
while i < len(lines) and head.match(lines[i]):
    month, work = lines[i], []
    i += 1
    while i < len(lines) and not head.match(lines[i]) and (item.match(lines[i]) or not work):
        work.append(lines[i])
        i += 1
    rows.append((month, work))
after = lines[i:]  # what follows the schedule ("关闭", the site's button)
t = d.add_table(rows=1 + len(rows), cols=4)
t.style = "Table Grid"
for c, h in zip(t.rows[0].cells, ["学期", "月份", "主要工作", "负责人"]):
    c.text = h
for r, (month, work) in enumerate(rows, start=1):
    cells = t.rows[r].cells
    cells[1].text = month
    cells[2].paragraphs[0].text = ""
    for n, w in enumerate(work):
        p = cells[2].paragraphs[0] if n == 0 else cells[2].add_paragraph()
        m = item.match(w)
        if m:
            p.add_run(m.group(1)).bold = True
            p.add_run(m.group(2))
        else:
            p.add_run(w)
    cells[3].text = "工会主席"
# 学期: 元月至二月 … 七至八月份 the second term of the school year, the rest the first.
second = [r for r, (m, _) in enumerate(rows, start=1) if m[0] in "元二三四五六七"]
first = [r for r in range(1, len(rows) + 1) if r not in second]
for rs, name in ((second, "第二学期"), (first, "第一学期")):
    top = t.cell(rs[0], 0)
    top.text = name
    top.merge(t.cell(rs[-1], 0))
for l in after:
    d.add_paragraph(l)
d.add_paragraph("（本计划经工会委员会讨论通过）")
d.save("plan-part5-python-docx.docx")
