#!/usr/bin/env python3
"""Writes data/common-passwords.txt: passwords people pick most, as found
at the top of public breach lists (the well-known words, keyboard walks
and digit runs) and the ways people stretch them to a length rule (a
year, 123, !, doubling). Lowercase, one a line, sorted, at most 10,000,
only those of 12 characters or more: the server refuses shorter ones by
length already. Run again after editing the lists below."""
import itertools, os

WORDS = """password passw0rd p@ssword p@ssw0rd pass letmein welcome iloveyou admin administrator
root user guest test tester demo default changeme secret master login access qwerty qwertyuiop
asdfgh asdfghjkl zxcvbn zxcvbnm monkey dragon football baseball soccer basketball hockey
superman batman spiderman starwars pokemon princess sunshine shadow michael jennifer jordan
hunter hunter2 killer trustno1 freedom whatever nicole daniel thomas charlie robert matthew
andrew joshua ashley jessica amanda summer winter spring autumn flower cookie cheese chocolate
computer internet samsung google apple microsoft facebook twitter linkedin naver kakao daum
korea seoul busan incheon daegu sarang saranghae saranghaeyo love lovely loveme lover
mustang ferrari porsche corvette mercedes harley yamaha chelsea liverpool arsenal barcelona
madrid juventus manchester united america canada london paris berlin tokyo china japan
angel angels babygirl baby blessed jesus christ heaven hello helloworld hellokitty kitty
tiger lion eagle falcon panther wolf bear bulldog buster maggie ginger pepper daisy
orange banana apple123 cherry lemon mango peach strawberry blueberry pumpkin
purple yellow green blue black white silver golden diamond crystal
matrix mercury jupiter galaxy universe rocket ninja samurai warrior legend legendary
gaming gamer minecraft fortnite overwatch starcraft lineage maplestory
office company server database registry ministry government national secure security
system network cloud nvidia gpu compute computer1 datacenter
q1w2e3r4 q1w2e3r4t5 1q2w3e4r 1q2w3e4r5t 1qaz2wsx 1qaz2wsx3edc zaq12wsx zaq1zaq1
qazwsx qazwsxedc qwer1234 asdf1234 zxcv1234 abcd1234 abc123 abcdef abcdefg abcdefgh
aaaaaa abcabc 123abc a1b2c3 a1b2c3d4 passpass adminadmin rootroot testtest
""".split()

DIGITS = ["123456", "1234567", "12345678", "123456789", "1234567890",
          "12345678910", "123456789012", "1234567890123", "0123456789",
          "987654321", "9876543210", "111111", "11111111", "000000", "00000000",
          "121212", "123123", "123123123", "112233", "11223344", "147258369",
          "159753", "654321", "666666", "777777", "888888", "999999",
          "123321", "123654", "1122334455", "12341234", "123412341234",
          "5201314", "1314520", "87654321", "13579", "2468", "246810",
          "135792468", "123qwe", "123qweasd", "123qweasdzxc", "1234qwer",
          "1234asdf", "12qwaszx", "qwe123", "qwe123qwe123", "qweasdzxc",
          "qweasd123", "asd123", "zxc123", "1q2w3e", "1q2w3e4r5t6y",
          "qwertyuiop123", "qwertyuiopasdf", "qwertyuiopasdfgh",
          "qwertyuiopasdfghjkl", "asdfghjklqwerty", "zxcvbnmasdfghjkl",
          "1qaz2wsx3edc4rfv", "!qaz2wsx", "!qaz@wsx", "1qaz!qaz", "1qaz@wsx",
          "qwerty123456", "qwerty12345", "qwerty1234", "password1234",
          "password12345", "password123456", "passw0rd1234", "iloveyou1234",
          "admin1234567", "administrator1", "letmein12345", "welcome12345",
          "abcdefghijkl", "abcdefghijklm", "abcdefghijklmnop", "abcdefgh1234",
          "aaaaaaaaaaaa", "zzzzzzzzzzzz", "qqqqqqqqqqqq", "xxxxxxxxxxxx",
          "111111111111", "000000000000", "999999999999", "123123123123",
          "121212121212", "147147147147", "112233445566", "qweqweqweqwe",
          "asdasdasdasd", "correcthorsebatterystaple"]

SUFFIXES = ["", "1", "12", "123", "1234", "12345", "123456", "!", "1!", "123!",
            "@123", "#1", "01", "007", "2020", "2021", "2022", "2023", "2024",
            "2025", "2026", "!@#", "!@#$", "1234!", "12345!", "0000", "1111"]
PREFIXES = ["", "my", "the", "i", "ilove", "super"]


def variants():
    for d in DIGITS:
        yield d
    for w in WORDS:
        for p, s in itertools.product(PREFIXES, SUFFIXES):
            yield p + w + s
        yield w + w
        yield w + w + "1"
        yield w.capitalize() + "123!"
    for a, b in itertools.combinations(["password", "admin", "qwerty", "welcome",
                                        "letmein", "iloveyou", "sarang", "master",
                                        "login", "secret", "dragon", "monkey"], 2):
        yield a + b
        yield b + a


def main():
    seen, out = set(), []
    for v in variants():
        v = v.lower()
        if len(v) >= 12 and v not in seen:
            seen.add(v)
            out.append(v)
    out = sorted(out[:10000])
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
    with open(os.path.join(root, "data", "common-passwords.txt"), "w") as f:
        f.write("\n".join(out) + "\n")
    print(len(out), "passwords")


if __name__ == "__main__":
    main()
