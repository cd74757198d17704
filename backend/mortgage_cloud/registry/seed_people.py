"""Generated people and institutions for the seed register: names, ID numbers, phones, courts and banks."""

import random
from dataclasses import dataclass
from datetime import date

from mortgage_cloud.identifiers import make_id_number, make_uscc

_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
_GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国文斌志红玉兰海燕鹏辉晨宇浩然子涵欣怡梓萱思远俊杰雨婷佳怡嘉豪"

# County-level division codes in Hunan (GB/T 2260), for the address code of the owners' ID numbers.
HUNAN_DIVISION_CODES = (
    "430102", "430103", "430104", "430105", "430111", "430112", "430121", "430181", "430182",
    "430202", "430203", "430211", "430281", "430302", "430304", "430381", "430402", "430405",
    "430421", "430482", "430502", "430521", "430602", "430621", "430681", "430702", "430721",
    "430802", "430902", "430921", "431002", "431102", "431202", "431302", "433101",
)


@dataclass(frozen=True)
class Person:
    name: str
    id_number: str
    phone: str


@dataclass(frozen=True)
class Mortgagee:
    name: str
    uscc: str


# Fictional lenders: the seed must not pair real bank names with made-up credit codes.
MORTGAGEES = tuple(
    Mortgagee(name=name, uscc=make_uscc(division_code="430100", organisation_code=f"MA4{number:05d}X"))
    for number, name in enumerate((
        "湘江演示银行股份有限公司长沙分行",
        "麓山演示农村商业银行股份有限公司",
        "星城演示银行股份有限公司",
        "橘洲演示银行股份有限公司长沙分行",
        "长沙演示住房公积金管理中心",
    ), start=1)
)


def make_person(rng: random.Random, *, taken_ids: set[str]) -> Person:
    """Draw a person with a valid ID number not in `taken_ids` (which it updates)."""
    name = rng.choice(_SURNAMES) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))
    while True:
        born = date(rng.randint(1955, 2000), rng.randint(1, 12), rng.randint(1, 28))
        id_number = make_id_number(rng.choice(HUNAN_DIVISION_CODES), born, rng.randint(1, 999))
        if id_number not in taken_ids:
            taken_ids.add(id_number)
            break
    phone = "1" + rng.choice("3456789") + "".join(str(rng.randint(0, 9)) for _ in range(9))
    return Person(name=name, id_number=id_number, phone=phone)


def court_name(district_name: str) -> str:
    """Return the basic people's court of a district or county-level city of 长沙."""
    return f"长沙市{district_name}人民法院" if district_name.endswith("区") else f"{district_name}人民法院"
