"""Another city's bulletins, written as its office writes them in Word, in the three layouts a
专报 comes in; with what each must import as, finding by finding and figure by figure."""

from __future__ import annotations

from pathlib import Path

from wordfiles import WordBulletin

SERIES, OFFICE = "12345政务服务热线专报", "宁波市12345政务服务热线管理办公室"
DISTRICTS = """海曙区 海曙
江北区 江北
北仑区 北仑
鄞州区 鄞州
余姚市 余姚
慈溪市 慈溪
宁海县 宁海
宁波国家高新区 高新区
"""


def _head(w: WordBulletin, number_line: str, day: str, title: str, intro: str) -> None:
    w.para(SERIES, style="Title")
    w.para(number_line)
    w.para(f"{OFFICE}\t{day}")
    w.para(title, style="Heading 1")
    w.para(intro)


# (1) by district: 标题 2 numbered by Word, findings numbered ①② by the list, a figures table each
BY_DISTRICT = {
    "海曙区": (["供水抢修工单超时 3 件，回复不及时。", "老旧小区加装电梯诉求办理进度慢。"], {"受理量": 3210, "办结率": 98.5}),
    "江北区": (["停车收费投诉较多，部分工单退回重办。"], {"受理量": 1870, "办结率": 97.2}),
    "宁海县": (["农村供水水压不足的诉求集中。", "个别工单超期未办结。"], {"受理量": 1204, "办结率": 99.1}),
}


def by_district(path: Path) -> Path:
    w = WordBulletin()
    _head(w, "2024年第13期", "2024 年 3 月 29 日", "各地12345工单办理情况通报",
          "3 月 22 日—3 月 28 日，各区县（市）工单办理情况如下：")
    for name, (findings, figures) in BY_DISTRICT.items():
        w.district(name)
        w.table([[f"{k}（{'件' if k == '受理量' else '%'}）" for k in figures],
                 [f"{v:,}" if isinstance(v, int) else f"{v}%" for v in figures.values()]])
        for text in findings:
            (w.numbered(text) if len(findings) > 1 else w.para(text))
    w.table([["报", "市政府办公厅"], ["发", "各区县（市）热线办"]])
    return w.save(path)


# (2) by district in a table: 区县 | 存在问题, several numbered findings in a cell, one cell without
BY_TABLE = {"海曙区": ["供水抢修工单超时 3 件，回复不及时。", "老旧小区加装电梯诉求办理进度慢，群众不满意。"],
            "江北区": [],
            "鄞州区": ["停车收费投诉较多。", "12345 回访不满意 3 件，已督促整改。", "垃圾清运不及时。"]}
TABLE_FIGURES = {"海曙区": {"受理量": 3300, "满意率": 95.2}, "鄞州区": {"受理量": 4105, "满意率": 94.8}}


def by_table(path: Path) -> Path:
    w = WordBulletin()
    _head(w, "第 14 期", "2024 年 4 月 5 日", "各地12345工单办理问题通报",
          "3 月 29 日—4 月 4 日，各区县（市）工单办理中存在的问题如下：")
    t = w.table([["区县", "存在问题"]] + [[name, ""] for name in BY_TABLE])
    for r, (name, findings) in enumerate(BY_TABLE.items(), 1):
        cell = t.cell(r, 1)
        if not findings:
            cell.text = "本周未发现问题"
            continue
        cell.text = f"1. {findings[0]}"
        for n, text in enumerate(findings[1:], 2):
            cell.add_paragraph(f"{n}. {text}")
    w.para("附：各地工单量")
    w.table([["区县", "受理量（件）", "满意率"]]
            + [[name, f"{f['受理量']:,}", f"{f['满意率']}%"] for name, f in TABLE_FIGURES.items()])
    w.para("送：市政府办公厅，各区县（市）政府")
    return w.save(path)


# (3) by problem category: parts 一、二、…, items （一）（二） naming districts inline, a figures table
BY_CATEGORY = [
    ("一、群众反映集中的问题", [("鄞州区、海曙区部分老旧小区加装电梯诉求集中，办理进度慢，群众多次来电催办。", ["鄞州区", "海曙区"]),
                         ("北仑区供水抢修工单超时较多，个别工单超过 48 小时未处置。", ["北仑区"])]),
    ("二、部门办理不及时的问题", [("海曙区住建部门对物业投诉回复不及时，存在“先办结后处理”的情况。", ["海曙区"]),
                          ("余姚市、慈溪市部分工单退单率偏高。", ["余姚市", "慈溪市"])]),
]
CATEGORY_FIGURES = {"海曙区": {"受理量": 3210, "办结率": 98.5, "满意率": 95.2},
                    "鄞州区": {"受理量": 4105, "办结率": 97.1, "满意率": 94.8},
                    "北仑区": {"受理量": 1980, "办结率": 99.0, "满意率": 96.1}}
ADVICE = ["（一）加强工单督办，提高按时办结率。", "（二）强化回访，及时纠正“先办结后处理”。"]


def by_category(path: Path) -> Path:
    w = WordBulletin()
    _head(w, "第15期（总第258期）", "2024 年 4 月 12 日", "全市12345热线工单办理情况通报",
          "4 月 5 日—4 月 11 日，全市热线共受理工单 3 万余件，现将有关情况通报如下：")
    for title, items in BY_CATEGORY:
        w.para(title, style="Heading 3")
        for n, (text, _) in enumerate(items, 1):
            w.para(f"（{'一二三四'[n - 1]}）{text}")
    w.para("三、各地工单办理情况", style="Heading 3")
    w.table([["区县", "受理量（件）", "办结率", "满意率"]]
            + [[name, f"{f['受理量']:,}", f"{f['办结率']}%", f"{f['满意率']:.2f}%"] for name, f in CATEGORY_FIGURES.items()])
    w.para("四、下步工作建议", style="Heading 3")
    for line in ADVICE:
        w.para(line)
    w.para("报：市政府办公厅")
    w.para("送：各区县（市）人民政府")
    return w.save(path)
