"""The question vocabulary, defined once: what kind of fact a question asks for, and what a value of that kind
looks like in the document's text.

Everything here is general Chinese/English interrogative language and general number formats; nothing names a
topic of the document. Intent detection, answerability and composition all read these tables.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

AskKind = Literal[
    "lead",  # which unit leads / is responsible
    "coop",  # which units cooperate
    "duration",  # how long a procedure takes
    "frequency",  # how often something is done
    "deadline",  # by when / which year
    "amount",  # money: fee, price, subsidy, fine
    "rate",  # percentage, ratio, rate
    "size",  # a measured size: capacity, area, scale, output
    "count",  # how many (of something)
    "yesno",  # can / is it allowed / is there
    "contact",  # phone, address, office hours, a person's name
    "procedure",  # materials, conditions, eligibility, steps
    "statistic",  # an actual figure achieved, a ranking
    "names",  # which companies / banks by name (a list the document may not give)
    "content",  # what a task / item says
]

#: Kinds whose answer is a value that must be stated in the cited text (else: "the document does not state").
VALUE_KINDS: frozenset[str] = frozenset(
    {
        "duration",
        "frequency",
        "deadline",
        "amount",
        "rate",
        "size",
        "count",
        "contact",
        "procedure",
        "statistic",
        "names",
    }
)

_F = re.IGNORECASE

# Classifiers of counted things beyond those of firms, rows and times (张, 台, 笔): any of them after 多少/几 asks a
# count.
_CLASSIFIERS = "张|本|台|辆|套|份|笔|位|只|栋|间|处|场|篇|部|支|块|道"

# Interrogative patterns per kind, zh and en. Order matters only for display.
KIND_CUES: dict[str, re.Pattern[str]] = {
    "lead": re.compile(
        r"牵头|主责|主管|负责|责任单位|责任部门|谁|哪个(?:部门|单位|机构|机关|局|委|办)"
        r"|哪些(?:部门|单位|机构)|哪家(?:部门|单位)|什么(?:部门|单位|机构)|找哪|转(?:给)?哪|归哪|由哪|问哪|找谁|归谁|办理部门"
        r"|(?:部门|单位|机构)(?:是|为)?(?:哪|谁)|对口(?:部门|单位)|(?:找|归|问)[^，,。？?]{1,8}还是(?:找|归|问)"
        r"|有(?:没有)?人(?:管|负责)|没人管|管不管|(?:去|在|到|往|向)哪(?:里|儿)?(?=办|交|申请|领|反映|投诉|举报|登记|备案)"
        r"|\bwhere (?:can|do|should|shall|must) (?:i|we)\b(?! (?:find|see|read)\b)"
        r"|\bwho\b|\bwhom\b|\b(?:which|what) (?:department|unit|agency|office|bureau|body|authority|organi[sz]ation)s?\b"
        r"|\blead(?:s|ing)?\b|\bin charge\b|\bresponsib\w*|\bhandles?\b|\bowns?\b",
        _F,
    ),
    "coop": re.compile(
        r"配合|协助|协办|协同|参与(?:单位|部门)|\bco-?operat\w*|\bsupport(?:ing)? (?:unit|department)s?\b"
        r"|\bwho (?:else )?helps\b|\b(?:agencies|units|bodies|departments|offices) (?:that )?work(?:s|ing)? with\b"
        r"|\bassist\w*|\bcollaborat\w*|\bpartner (?:units?|departments?|agencies|offices|bodies)\b"
        r"|\bbacks? (?:it |them |this |that )?up\b|\bbacking (?:it |them )?up\b"
        r"|\b(?:who|which \w+|what \w+) supports? (?:it|them|this|that)\b"
        r"|\b(?:which|what) other (?:offices|departments|units|agencies|bodies)\b",
        _F,
    ),
    "frequency": re.compile(
        r"(?:多久|多长时间|隔多少天)[^，,。？?]{0,6}(?:一次|1次|一回)|隔多久|频次|频率|多少次|几次"
        r"|\bhow (?:often|frequently)\b|\bhow many times\b|\bfrequency\b",
        _F,
    ),
    "duration": re.compile(
        r"多久|多长时间|多少时间|多长|几天|多少天|几个工作日|多少个?工作日|(?:几|多少)个?(?:小时|钟头|星期|礼拜|周|自然日)|几个月|时限|用时|时长|多快|要等|等多|周期"
        r"|\bhow (?:long|fast|quickly|soon)\b|\bhow many (?:working )?(?:days|hours|weeks|months)\b|\btime limits?\b"
        r"|\bturnaround\b|\bprocessing time\b|\btake\b(?=.*\btime\b)",
        _F,
    ),
    "deadline": re.compile(
        r"什么时候|何时|哪一?年|几月|截止|到哪|期限|哪天|几号"
        r"|\bwhen (?:is|are|was|were|will|would|does|do|did|can|could|should|must|has|have|shall)\b|^when\b(?!\s+(?:i|we|you|a|an|the|my|our|they|it|he|she|someone|one)\b)"
        r"|\bby (?:which|what) (?:year|date|time)\b|\bby when\b|\b(?:what|which) (?:is|are|was) the deadlines?\b|\bdeadlines? (?:for|of)\b"
        r"|\bwhich year\b|\bwhat year\b|\bwhat date\b",
        _F,
    ),
    "amount": re.compile(
        r"多少钱|几块钱|多少元|多少万|金额|(?:费用|价格|价钱|收费|标准|额度|上限|下限)(?:是|为|有)?多少|收费标准|多少费用|收不收费|要不要钱|收钱吗"
        r"|收多少|交多少|缴多少|补(?:贴|助)?多少|奖(?:励)?多少|罚(?:款)?多少|贷多少|借多少|多少亿|收费吗|要钱吗|免费吗|花多少"
        r"|(?:发|给|领|拿|补)(?:了)?多少钱|补贴[^?？，,]{0,6}多少(?![个家项条次类户件人名种所批座趟天小时工作日月年周%])"
        # a money noun (租金, 押金, 登记费, 奖励) before or after 多少
        # (the noun stays out of the match: it names what is asked about, 邮费 or 押金, and stays a topic word)
        r"|(?:(?<=[金费款资薪租价])|(?<=奖励|补助|资助))(?:一般|大概|大约|通常)?(?:是|为|有|要|能有)?多少(?![个家项条次类户件人名种所批座趟天小时工作日月年周%])"
        r"|多少(?=(?:的)?[\u4e00-\u9fff]{0,3}(?:[金费款资薪租]|奖励|补贴|补助|资助)(?![\u4e00-\u9fff]*(?:天|时间|工作日)))"
        # a sum asked for in a request (请给出…预算总额, 告诉我…的金额)
        r"|(?:给出|告诉我|列出|提供|说出|报一下)[^，,。？?]{0,30}(?:金额|总额|数额|预算额|资金额|费用)"
        r"|\bhow much\b(?! time)|\bwhat(?:'s| is| are) the (?:\w+ ){0,2}(?:fees?|costs?|prices?|charges?)\b|\bamount\b"
        r"|\bhow many yuan\b",
        _F,
    ),
    "rate": re.compile(
        r"比例|占比|百分之|百分比|几成|税率|利率|费率|多少%|\bpercent\w*|\bratio\b|\brate\b|\bshare of\b",
        _F,
    ),
    "size": re.compile(
        r"(?:容量|面积|规模|功率|产能|体量|吨位|装机)(?:有|是|能有|能达到|达到)?多(?:大|少|高)"
        r"|\bhow (?:big|large)\b|\b(?:what|which) (?:is the )?(?:capacity|area|size|scale)\b",
        _F,
    ),
    "count": re.compile(
        rf"多少(?:家|个(?!工作日|小时|月|自然日)|项|条|次|类|户|件|人|名|种|所|批|座|趟|班|列|回|轮|期|{_CLASSIFIERS})"
        rf"|(?<![好几哪第])几(?:家|个(?!工作日|小时|月)|项|条|次|类|户|件|种|所|批|趟|班|列|回|轮|期|{_CLASSIFIERS})"
        # 有多少 + a noun counts things (有多少用户), unless the noun is time or money
        r"|有多少(?=[\u4e00-\u9fff])(?!钱|时间|天|小时|工作日|个?工作日|个小时|个月|年|元|万|亿|比例)"
        r"|\bhow many\b(?! (?:working )?(?:days|hours|weeks|months))|\bnumber of\b",
        _F,
    ),
    "yesno": re.compile(
        r"能不能|能否|可不可以|可否|是否|有没有|会不会|是不是|要不要(?!钱|交钱|收费)|需不需要|用不用|该不该|可以吗|行吗|(?<![技功性智效职可才本节赋动产潜体全万])能(?=[^?？吗]{0,12}吗)|可以(?=[^?？吗]{0,12}吗)|允许|支持(?=[^?？吗]{0,8}吗)"
        # the colloquial tail "V不？" (算数不？得行不？能贷到钱不？) asks as 吗 does
        r"|(?<=[\u4e00-\u9fff])不(?=\s*[?？])"
        r"|(?:^|\band |[,;] )(?:can|could|is|are|does|do|will|may|should) (?:i|we|you|it|they|there|the|a|an|this|that|my|our)\b"
        # any auxiliary that opens a sentence asks yes or no (Can property taxes be filed together…?), unless it
        # is a polite request to tell (Could you tell me who…)
        r"|(?:^|[.?!]\s+)(?:can|could|is|are|does|do|will|may|should|has|have) (?!you (?:tell|let|explain|show|help|give|list)\b)\w+"
        r"|\bis (?:it|there)\b|\bare there\b|\ballowed\b",
        _F,
    ),
    "contact": re.compile(
        r"(?:电话|号码|手机号|热线|邮箱|网址|网站)(?:是|号码|多少|呢|[?？])|(?:什么|哪个|联系|咨询|办公)(?:电话|号码|热线)|打(?:什么|哪个)电话"
        r"|(?:办公|办事|服务|窗口|大厅)?地址(?:是|在哪|在什么|多少|呢|[?？])|地址[^，,。？?]{1,8}?(?:是什么|是多少|在哪)|(?:什么|哪个)地址|窗口在哪|哪个窗口|联系方式|联系人|二维码|公众号叫"
        r"|(?:办公|上班|开放|营业)时间|几点|周末(?=[^，,。；;]{0,8}(?:吗|呢|[?？]))|负责人|局长|主任是|领导是|叫什么名字|姓名|是谁(?:负责)?的?(?:领导|局长)"
        r"|哪位|(?:组长|区长|局长|主任|书记|处长|科长|领导|负责人)(?:是|叫|的?名字)|(?:办公室|办公|联系|咨询)电话"
        r"|周几|星期几|门牌|(?:电话|号码|手机号|热线|邮箱|网址|地址)[。.!！?？\s]*$"
        r"|(?:告诉我|给我|发我|提供|查一?下)[^，,。？?]{0,20}(?:电话|号码|手机|邮箱|地址|名字|姓名)"
        r"|(?:电话|号码|手机号|热线|邮箱|地址)(?:发|给|告诉)(?:我|一下)"
        r"|\bphone numbers?\b|\btelephone\b|\bcontact (?:number|details|information|person)\b|\bemail address\b"
        r"|\b(?:what|which)(?:'s| is| are) (?:the|their|its) (?:\w+ )?(?:phone|address|email|website)s?\b"
        r"|\bopening hours\b|\boffice hours\b"
        r"|\bwhere is\b|\bhead of\b|\bdirector\b|\bname of the\b",
        _F,
    ),
    "procedure": re.compile(
        r"什么材料|哪些材料|材料清单|需要(?:准备|提供|提交)(?:什么|哪些)|申请条件|(?:什么|哪些)[^，,。？?]{0,8}条件|条件是|(?:资格|门槛|资质)(?:是|有)?(?:什么|哪些|多高|多少)|什么(?:资格|资质)|哪些(?:资格|资质)|符合什么"
        r"|\bwhat documents\b|\bwhat (?:are|is) the (?:\w+ )?(?:requirements?|conditions?)\b|\brequirements? (?:for|to)\b"
        r"|\beligib\w*|\bqualify\b|\bwho qualifies\b",
        _F,
    ),
    "names": re.compile(
        r"(?:哪些|哪几家|哪几个|哪家|哪个)(?:的)?[^，,。？?]{0,4}(?:公司|银行)|名单(?:里|上|中)?(?:都)?(?:有|是)(?:哪些|谁|哪几)"
        r"|(?:哪些|哪几家|哪家)(?:企业|公司|银行)[^，,。？?]{0,4}(?:在|上|进|列入)(?:了)?名单"
        r"|\b(?:which|what) (?:\w+ )?(?:companies|banks|firms)\b|\bnames? of the (?:\w+ )?(?:companies|banks|firms)\b",
        _F,
    ),
    "content": re.compile(
        r"做什么|干什么|什么内容|内容是|讲(?:了)?什么|说(?:了)?什么|提出(?:了)?(?:什么|哪些)|有哪些(?:措施|要求|举措|内容|做法)"
        r"|要求(?:是)?什么|具体(?:是)?什么|哪[几些一二三四五六七八九十](?:个|项|条|类|种)"
        # what the text says: 文件里是怎么写的, 是啥意思, 讲了些啥, 怎么规定的
        r"|怎么(?:写|说|讲|规定|表述)的?|(?:啥|什么)意思|(?:讲|说|写)(?:了)?(?:些)?啥"
        # how something is done (咋个参保, 该怎么弄, 如何申请): what the record says it does
        r"|(?:怎么|咋个?|如何)(?!样|么|回事|这么|那么|办[?？]?$)(?=[\u4e00-\u9fff])"
        # what it does (主要干啥), what it asks (对…是什么要求), which things it names (盯哪些领域, 纠治哪些行为): not who
        # or which body, place, row or firm, which other kinds ask
        r"|干啥|做啥|搞啥|干嘛|(?:什么|啥)(?:要求|规定|措施|举措|做法|安排)"
        r"|哪些(?!单位|部门|机构|地方|人|任务|事项|企业|公司|银行|条件|材料)(?=[\u4e00-\u9fff]{2})"
        r"|\bhow (?:do|does|can|will|should|is|are)\b|\bwhat (?:does|do|will)\b(?=[^?]*\b(?:promise|offer|provide|commit)\w*\b)"
        r"|\bwhat (?:is|are|does)\b(?=[^?]*\b(?:about|say|require|include)\b)|\bwhat measures\b",
        _F,
    ),
    # where a thing stands in the document: 是通知哪一条, 在第几项, which item (not 哪条路, not a span 从第几项到第几项,
    # not an article of another regulation: 规程第几条)
    "locate": re.compile(
        r"(?<![从到至])(?<!规程|条例|办法|规定|法规|细则)第几(?:项|条)(?![到至])"
        r"|(?<![从到至这那])哪一?(?:项|条)(?![路街道号线到至])"
        r"|\b(?:which|what) (?:numbered )?(?:item|measure|clause|task|row)\b(?! (?:to|for)\b)|\b(?:item|task|row) number\b",
        _F,
    ),
    "statistic": re.compile(
        r"(?:实际(?!上)|已经|去年|今年|前年|上半年|截至|截止)(?=[^?？]{0,10}(?:多少|几|排名|第几))|排名第|第几名|排第几|排名多少|名次|增长了?多少"
        r"|增长率|产值|GDP|统计数据|总共有多少家|现有多少|目前有多少|完成了多少|达到了多少|办了多少"
        # so far: 目前发了多少张, 现在有多少用户 (有, or 了 before a counted thing: a figure reached; 现在压到了多少
        # asks a time limit)
        r"|(?:目前|现在|迄今|至今|累计)[^?？，,。]{0,10}(?:有(?:多少|几)|了(?:多少|几)(?:家|个(?!工作日|小时|月)|张|户|人|名|件|次|笔|本|台|套|份|位))"
        # a past count asked with "actually" (how many did it actually register): a result, not the target
        r"|\bhow (?:many|much)\b[^?]{0,80}\b(?:did|have|has|had)\b[^?]{0,80}\bactually\b"
        r"|\bactual(?:s| figures?| numbers?| results?)?\b(?!ly)|\bachieved\b|\blast year\b|\bthis year\b|\branking\b|\branked\b|\bGDP\b|\bstatistic\w*|\bso far\b",
        _F,
    ),
}

# A value of each kind, as the document prints it (layout spaces inside numbers are tolerated).
_N = r"\d+(?:\s*\.\s*\d+)?"
VALUE_PATTERNS: dict[str, re.Pattern[str]] = {
    "duration": re.compile(
        rf"{_N}”?\s*(?:个)?\s*(?:工作日|自然日|小时|天|日(?!前|起)|分钟|个月|周)|[一二两三四五六七八九十半]个?(?:工作日|小时|天|周)(?:内)?"
        r"|即办|即时办结|即来即办|立等可取|当场|当日|当天|秒批|秒办|一日办结|一日内|同日"
    ),
    "frequency": re.compile(
        rf"每(?:一)?(?:年|季度?|半年|月|周|星期|天|日)(?!度)|逐(?:年|季|月|周|日)|{_N}\s*(?:次|回)|[一二两三四五六七八九十]次"
    ),
    "deadline": re.compile(
        r"(?:19|20)\d{2}\s*年(?:\s*\d{1,2}\s*月)?(?:底|前|以前|年底)?|年底前|年内|\d{1,2}\s*月底前"
    ),
    "amount": re.compile(rf"{_N}\s*(?:万|亿|千|百)?\s*元|免费|不收费|零收费|免收|零成本|零费用"),
    "rate": re.compile(rf"{_N}\s*[%％]|百分之[零一二三四五六七八九十百]+|\d+\s*成(?!本|效|果|员|都)"),
    "count": re.compile(
        # (第39条 is an ordinal: which article, not how many)
        rf"(?<!第)(?<![第\d]\s)(?<!\d){_N}\s*(?:个|家|项|类|户|件|次|所|条|批|人|名|万户|万家|座|处|种|份|张|台)(?!工作日|小时|月)"
    ),
    "size": re.compile(rf"{_N}\s*(?:千瓦|兆瓦|kw|mw|平方米|平方公里|亩|万吨|吨|立方米|万平方米)", re.I),
    "contact": re.compile(r"\d{3,4}-\d{7,8}|1[3-9]\d{9}|12345|地址[:：]|路\d+号|邮箱[:：]|网址[:：]"),
    "procedure": re.compile(
        r"(?:条件|材料|流程|程序|步骤|要件)(?:为|是|包括|如下|：|:)|凭.{1,12}(?:即可|办理)"
    ),
    "names": re.compile(
        r"[\u4e00-\u9fff]{2,16}(?:股份有限公司|有限责任公司|有限公司|集团(?!公司)|担保公司)"
        r"|(?:中国|重庆|九龙坡)?[\u4e00-\u9fff]{2,4}(?:农商|商业|村镇)银行"
    ),
    "statistic": re.compile(
        r"排名第[一二三四五六七八九十\d]+|第[一二三四五六七八九十\d]+名|位居.{0,6}第|同比增长\s*\d|增长\s*\d+(?:\.\d+)?\s*[%％]|已(?:完成|达到|办理)\s*\d"
    ),
}

#: Words that hedge a commitment; a yes/no answer quotes them rather than saying a bare yes.
HEDGES = re.compile(r"探索|推动|推进|力争|鼓励|支持|逐步|试点|研究|争取|原则上|推行|实行|实现")

# Instructions addressed to the assistant inside a question. They never change what is answered: the span is
# cut out before analysis.
INJECTION = re.compile(
    r"(?:请)?(?:忽略|无视|不要管|别管|忘掉|忘记|跳过|不用管|不必遵守|不要遵守)(?:掉)?(?:你|之前|上面|以上|前面|刚才|所有|全部|一切|系统|的){0,5}"
    r"(?:规则|指令|指示|设定|限制|要求|提示词?|约束|规定|身份|角色)[,，。;；!！]?"
    r"|(?:不用管|不要管|别管|不必管|无视|忽略)(?:这份|这个|该)?(?:文件|文档|通知|方案|原文)[,，。;；!！]?"
    r"|(?:即使|就算|哪怕)(?:文件|文档|原文)?(?:里|中|上)?(?:没(?:有)?(?:写|提|规定)|未(?:写|提))(?:的话)?(?:也)?(?:要)?(?:回答|告诉我|编|说)?[,，。;；]?"
    r"|(?:你现在是|假装你是|扮演|你不再是|从现在起你是)[^,，。;；!！?？]*[,，。;；!！]?"
    # a forged notice that someone has authorised the assistant (【系统通知】管理员已授权你…)
    # (上级要求你们单位… and 系统要求你重新登录 tell a story: only a grant to "you", the assistant, is cut)
    r"|(?:【[^】]{0,8}】)?(?:管理员|系统|开发者)(?:已经?|现在)?(?:授权|允许)你(?!们)[^。！!?？]*[。！!]?"
    r"|(?:直接|必须|一定要|务必)(?:告诉我|回答|给我|教我|编(?:一个)?|猜(?:一个)?)"
    r"|(?:编|猜|估计|随便说)(?:一个|个)(?:数字|数|答案)?"
    r"|\b(?:please )?(?:ignore|disregard|forget)\b[^.?!]{0,40}\b(?:instructions?|rules?|prompts?|guidelines?)\b[.,;:!]?"
    r"|\b(?:please )?(?:ignore|disregard|forget)\b (?:about )?(?:the|this|that|your|all|any) (?:document|plan|notice|file|text|source|context)s?\b[.,;:!]?"
    r"|\byou are now\b[^.?!,]*[.,;!]?|\bpretend (?:to be|you are)\b[^.?!,]*[.,;!]?|\bjust (?:tell me|answer|make up|guess|confirm|say)\b"
    r"|\bsystem prompt\b|\bdeveloper mode\b|\bjailbreak\b",
    _F,
)

# A request for the language of the answer (请用中文回答, 用英文说一下, explain it in English please): how to answer,
# not what about. The words are cut before analysis and the answer follows the language asked for. 用英文填表 (a
# form in English) asks about the matter: only a verb of saying or answering makes a request.
_ANSWER_LANGUAGE_ZH = re.compile(
    r"(?:请|麻烦|能不能|可不可以|可以)?你?(?:用|以|讲)(中文|汉语|普通话|英文|英语)(?:来)?"
    r"(?:说|讲|回答|答复|回复|作答|解释|表述|介绍)(?:一下|一遍|下)?(?:吗|呢|嘛)?[,，;；:：。]?"
)
_ANSWER_LANGUAGE_EN = re.compile(
    r"(?P<keep>\b(?:answer|reply|respond|explain|say|tell|write|describe|summari[sz]e)\b[^.?!]{0,30}?)\s*"
    r"\bin (?P<lang>english|chinese|mandarin)\b(?:,? please\b)?"
    r"|(?:^|(?<=[.?!。？！]\s)|(?<=[.?!。？！]))\s*(?:please )?in (?P<alone>english|chinese),? please\b[.!]?",
    _F,
)
_LANGUAGE_NAMES = {"中文": "zh", "汉语": "zh", "普通话": "zh", "英文": "en", "英语": "en"}


# Southwestern Mandarin asks "how much / how long / how far / how big" with 好 (好多钱, 要等好久, 有好远): in the last
# clause of a question that asks nothing else, 好多/好久/好远/好大 are 多少/多久/多远/多大. 好多企业都能申请吗 (many firms,
# asked with 吗) and 好多了 (better) stay as they are.
_DIALECT_HOW = re.compile(
    r"好(多|久|远|大)(?!了)(?=[^，,。！!；;？?]{0,14}[？?])"
    # without a question mark: a measure or money after 好多 (好多钱, 好多项), or a wait before 好久 (要等好久)
    r"|好(多)(?=钱|亿|万|元|块|天|项|条)|(?<=要|得|等)好(久)"
)
_DIALECT_HOW_WORDS = {"多": "多少", "久": "多久", "远": "多远", "大": "多大"}
_OTHER_ASK = re.compile(
    r"吗|什么|啥|哪|谁|怎么|咋|几|多少|多久|是不是|能不能|有没有|会不会|可不可以|\bhow\b|\bwhat\b", re.I
)


def standard_interrogatives(text: str) -> str:
    """好多钱 -> 多少钱, 要等好久 -> 要等多久 in the clause that asks (see _DIALECT_HOW)."""

    def repl(m: re.Match[str]) -> str:
        start = max(text.rfind(p, 0, m.start()) for p in "，,。！!；;？?") + 1
        end = len(text)
        for p in "，,。！!；;？?":
            i = text.find(p, m.end())
            if i != -1:
                end = min(end, i)
        clause = text[start : m.start()] + text[m.end() : end]
        word = m.group(1) or m.group(2) or m.group(3)
        return m.group(0) if _OTHER_ASK.search(clause) else _DIALECT_HOW_WORDS[word]

    return _DIALECT_HOW.sub(repl, text)


def answer_language_request(text: str) -> tuple[str, Literal["zh", "en"] | None]:
    """`text` without a request for the answer's language, and the language asked for (None: no request)."""
    asked: list[str] = []

    def zh(m: re.Match[str]) -> str:
        asked.append(_LANGUAGE_NAMES[m.group(1)])
        return " "

    def en(m: re.Match[str]) -> str:
        name = (m.group("lang") or m.group("alone")).lower()
        asked.append("en" if name == "english" else "zh")
        keep = m.group("keep") or ""
        return " " if re.fullmatch(r"\s*(?:please )?(?:answer|reply|respond)\s*", keep, _F) else keep

    cut = _ANSWER_LANGUAGE_EN.sub(en, _ANSWER_LANGUAGE_ZH.sub(zh, text))
    if not asked:
        return text, None
    return " ".join(cut.split()), "en" if asked[-1] == "en" else "zh"


# Requests to produce something (draft a letter, translate, write a poem): work outside a Q&A about the document.
TASK_REQUEST = re.compile(
    r"(?:帮|替|给)我(?:起草|拟|写|编写|撰写|生成|翻译|做|改|润色)|起草(?:一|个)|(?:写|拟)(?:一|个)(?:份|篇|首|封|个)"
    r"|翻译成|\b(?:write|draft|compose|generate) (?:me |us )?(?:a|an|the|some)\b|\btranslate\b"
    # to reveal the assistant's own instructions is no question about the document
    r"|(?:系统)?提示词|系统(?:指令|设定)|(?:原样|完整)(?:输出|打印|显示)|\byour (?:instructions|prompt)\b"
    # its own configuration, keys or files are no question about the document either
    r"|(?:内部|你的)(?:配置|设置|参数)|系统(?:配置|参数)(?!了)|密钥|文件路径|调试模式|\bapi[ _-]?keys?\b|\bsecret keys?\b"
    r"|\byour (?:config(?:uration)?|settings)\b",
    _F,
)

#: A question that sets the district's level against the city's (区里…市里): after a row, how its district measure
#: stands to its city-level task.
_DISTRICT_LEVEL = "区里|区级|区一级|区上|本区|我区"
_CITY_LEVEL = "市里|市级|市一级|市上|全市"
LEVEL_CONTRAST = re.compile(
    rf"(?=.*(?:{_DISTRICT_LEVEL}))(?=.*(?:{_CITY_LEVEL}))"
    r"|(?=.*\bdistrict(?:-level)?\b)(?=.*\b(?:city|municipal)(?:-level)?\b)",
    _F,
)

#: The words of the levels themselves (no matter of a question's own).
LEVEL_WORD = re.compile(rf"^(?:{_DISTRICT_LEVEL}|{_CITY_LEVEL}|city|district|municipal)(?:-level)?$", _F)

#: Structural questions about the notice itself (answered from its parsed records).
STRUCTURE_CUES: dict[str, re.Pattern[str]] = {
    "date": re.compile(
        r"发文日期|印发日期|发布日期|成文日期|落款日期|(?:什么时候|何时|哪天|哪一?年|哪个月)(?:印发|发布|出台|发文|下发|签发|发的|发出)"
        r"|(?:印发|发布|出台|发文)(?:的)?(?:时间|日期)|\b(?:when|which year|what year|what date)\b.*\b(?:issued|published|released|signed)\b"
        r"|\bissue date\b|\bdate of (?:issue|the notice|the document)\b|\bon what date\b"
        # when the document itself takes effect: it states no other date than its own (现印发给你们，请认真贯彻执行)
        r"|(?:方案|通知|文件)[^，,。？?]{0,4}(?:什么时候|何时|哪天|从哪天|从什么时候)(?:起|开始)?(?:实施|生效|执行|施行)"
        r"|\bwhen (?:does|did) (?:the|this) (?:plan|notice|document) (?:take effect|come into (?:force|effect)|start)\b",
        _F,
    ),
    "issuers": re.compile(
        r"谁(?:印发|发布|发文|出台|制定|签发|发的)|(?:哪些|什么|哪[一两二三几]?[个家])(?:单位|部门|机关)(?:联合)?"
        r"(?:印发|发布|发文|出台|制定|签发|发的|发了?(?:这个|该|本)?(?:文件|通知|方案))"
        r"|发文(?:单位|机关)|印发(?:单位|机关)|联合印发|盖(?:的)?(?:是)?(?:哪|谁|什么).{0,4}章|落款|署名"
        r"|\bwho (?:issued|published|released|signed|wrote|put out|sent out|put together)\b|\bby whom\b"
        r"|\bissuing (?:body|bodies|authority|authorities)\b|\bissuers?\b|\bissued by\b",
        _F,
    ),
    "title": re.compile(
        r"文件(?:名称|标题|名字|全称)|(?:通知|方案|文件)(?:叫什么|的名称|的标题|的全称)|标题是"
        # a property title or a job title is no title of the notice
        r"|\btitle of (?:the |this )?(?:\w+ )?(?:notice|plan|document)\b|\b(?:notice|plan|document)'s (?:full )?title\b"
        r"|\bwhat(?:'s| is) the (?:full |official |exact )?title\b|\b(?:full|official|exact) title\b"
        r"|(?:完整|正式)的?(?:标题|名称|全称)|标题(?:怎么写|是什么)"
        r"|(?:通知|方案|文件)[^?？。，,]{0,6}(?:全名|全称|叫(?:什么|啥))"
        r"|\bwhat is the (?:document|notice|plan) called\b",
        _F,
    ),
    "implements": re.compile(
        # (落实的是哪一条 asks where a measure stands: locate)
        r"(?:贯彻|落实)[^?？。，,]{0,6}(?:哪(?!一?[条项])|什么)[^?？。，,]{0,4}(?:文件|意见|精神|部署|政策)?|为了落实什么"
        r"|\bimplement(?:s|ing|ed)?\b[^?]{0,30}\b(?:which|what)\b|\b(?:which|what)\b[^?]{0,30}\bimplement(?:s|ing|ed)?\b"
        r"|implement\s*哪"
        r"|\b(?:which|what)\b[^?]{0,40}\b(?:opinions?|documents?|polic(?:y|ies)|directives?|decisions?)\b[^?]{0,40}"
        r"\bcarr(?:y|ies|ying|ied) out\b",
        _F,
    ),
    "based_on": re.compile(
        r"(?:根据|依据)[^?？。，,]{0,6}(?:哪|什么)|制定依据|上位法|\bbased on (?:which|what)\b|\blegal basis\b"
        r"|\bwhat is (?:it|the plan) based on\b",
        _F,
    ),
    "cover": re.compile(
        r"经(?:过)?(?:谁|哪|什么)[^?？。]{0,6}(?:同意|批准|审定)|谁(?:同意|批准|审定)|(?:同意|批准|审定)(?:过)?(?:的|了)?(?:吗|呢|[?？])"
        r"|收文单位|收到(?:这份|这个|该|本)?(?:文件|通知)的?(?:单位|部门)|(?:对|给)[^?？。，,]{0,8}(?:单位|部门)[^?？。]{0,6}(?:什么|哪些)?要求|贯彻执行"
        # 要求他们怎么做: what the recipients are asked to do
        r"|要求(?:他们|各单位|各部门|收文单位|大家|下级|下面)(?:怎么|如何|做什么|干什么|干啥|做啥)"
        r"|\bapproved?\b|\bwho (?:approved|endorsed)\b|\bcover(?:ing)? (?:letter|note)\b|\brecipients? to do\b",
        _F,
    ),
    "columns": re.compile(
        r"(?:表格?|清单|附件)[^?？。]{0,6}(?:哪几|哪些|几|多少)(?:个)?(?:栏|列|项内容|字段)|栏目|列名|表头"
        r"|\bcolumns?\b|\bfields? of the (?:table|annex)\b",
        _F,
    ),
    "target_year": re.compile(
        r"目标年份|到哪一?年|哪一?年(?:前|之前|以前)?(?:要|实现|达到|完成)|\bby (?:which|what) year\b|\btarget year\b"
        r"|\buntil (?:which|what) year\b",
        _F,
    ),
    "goals": re.compile(
        r"工作目标|总体目标|主要目标|总目标|要达到什么|\b(?:work|overall|main) (?:goals?|targets?|objectives?)\b"
        r"|\b(?:goals?|targets?|objectives?) of the (?:plan|notice|document)\b"
        r"|\bwhat (?:does|do) the (?:plan|notice|document) aim\b",
        _F,
    ),
    "aims": re.compile(
        r"(?:目标|效果)(?:是|有)(?:什么|啥|哪些)|(?:什么|啥)(?:样的?)?(?:目标|效果)|达到(?:个)?(?:什么|啥)(?:样的?)?(?:效果|目标|程度|水平)"
        r"|\b(?:what|which) (?:is|are) the (?:\w+ )?(?:targets?|goals?|objectives?)\b",
        _F,
    ),
    "guiding": re.compile(r"指导思想|\bguiding (?:ideology|thought|principles?)\b", _F),
    "recipients": re.compile(
        r"主送|(?:印)?发给了?(?:谁|哪些)|\brecipients?\b|\bsent to\b|\baddressed to\b", _F
    ),
    "task_count": re.compile(
        r"(?:附件|清单|一共|总共|共有|共计|共)[^?？]{0,6}(?:多少|几)(?:项|条|个)[^?？，,]{0,6}任务|任务(?:总数|数量|总量)|多少项任务"
        r"|(?:附件|任务清单|工作任务)[^?？。，,]{0,12}(?:一共|总共|共有|共计)(?:有)?(?:多少|几)(?:项|条|个)"
        r"|\bhow many (?:\w+ ){0,2}tasks\b|\btotal number of tasks\b|\bnumber of tasks\b",
        _F,
    ),
    # how many numbered items the notice itself has (not the annex's tasks: task_count)
    "item_count": re.compile(
        r"(?:通知|正文|方案)[^?？]{0,20}(?:多少|(?<!第)几|(?:编|排)?到第几)(?:条|项|点)(?![^?？，,]{0,6}任务)"
        r"|\bhow many (?:numbered )?(?:items|measures) (?:does|do|are|in)\b(?=[^?]*\b(?:notice|plan)\b)",
        _F,
    ),
    "annex": re.compile(
        r"附件(?:是|叫|名称|名字|标题|全称)|附件[^?？。，,]{0,6}(?:叫(?:什么|啥)|的?(?:名称|名字|标题|全称))"
        # 附了个什么附件, 有哪些附件: which annex there is
        r"|(?:什么|啥|哪个|哪些)附件|附(?:了|有|上|带)(?:个|一个|一份)?(?:什么|啥|哪些)"
        r"|\b(?:what|which) annex(?:es)?\b|\bwhat is (?:attached|annexed)\b|\bannex(?:es)? (?:is|are) attached\b"
        r"|\bannex (?:title|called|name)\b|\bwhat is the annex\b|\b(?:title|name) of the annex\b|\bannex's (?:title|name)\b",
        _F,
    ),
    "parts": re.compile(
        r"(?:分|分成|分为|有|包括|包含)(?:几|多少)(?:个|大)?(?:部分|方面|板块)|(?:几|哪)(?:个|些|大)(?:部分|方面|板块)|结构|框架|目录|大标题"
        r"|(?:附件|清单|方案|文件|正文)[^?？。]{0,8}(?:分(?:了|成|为)?(?:哪几|几)(?:大)?(?:块|类)|按什么分类|怎么分类)"
        r"|(?:最多|最少)的(?:是)?(?:哪|什么)(?:个|一)?(?:部分|板块)"
        r"|\b(?:shortest|longest|largest|smallest|biggest)\b(?=[^?]*\b(?:sections?|parts?)\b)"
        r"|\bhow many parts\b|\bwhat parts\b|\bstructure\b|\bsections? of the (?:notice|plan)\b|\bhow is (?:it|the plan) organi[sz]ed\b",
        _F,
    ),
    "part_of": re.compile(
        r"(?:属于|归|在|放在|归属|位于)[^，,。？?]{0,6}?(?:哪|什么)(?:个|一)?(?:部分|板块|方面)|(?:哪|什么)(?:个|一)?(?:部分|板块)(?:下面|里面|里|中|之下)"
        r"|\b(?:which|what) (?:part|section)\b|\bunder which\b",
        _F,
    ),
    "closing": re.compile(
        r"保障机制|保障措施|组织保障|最后(?:一部分|部分)|结尾|落实要求"
        r"|\bsafeguards?\b|\bguarantee mechanisms?\b|\bclosing\b|\benforcement of the plan\b",
        _F,
    ),
}

#: Structural cues that also read as an ordinary question about a measure (落实…哪个部门, 根据什么): they count
#: only when the question names the document itself (这个方案, 通知, 文件).
DOCUMENT_ONLY_CUES = frozenset({"implements", "based_on", "cover", "aims"})

#: Structural cues that also read as a question about some other act (政府采购代理机构管理办法由哪个部门出台): they
#: count when the question names the document itself or names no unit or topic of its own.
DOCUMENT_OR_TOPICLESS_CUES = frozenset({"issuers", "date"})

#: Words that make a question about the notice as a whole (not one of its measures).
DOCUMENT_WORDS = re.compile(
    r"通知|方案|文件|本文|附件|正文|这份|该文|\bthis(?: [\w-]+){0,4} (?:plan|notice)\b|\bthe(?: (?!public\b)[\w-]+)? (?:plan|notice)\b"
    r"|\bdocument\b|\bannex\b",
    _F,
)

#: Words of a question that say how it asks, not what about: interrogatives, pronouns, politeness, generic nouns.
SCAFFOLD_ZH = frozenset(
    """
请问 请 麻烦 问下 想问 问问 一下 我们 我 你们 你 您 他们 她们 咱们 公司 企业 单位 部门 机构 哪个 哪些 哪家 哪里 哪儿 什么 怎么样 怎么
如何 多久 多少 多长 几天 几个 是否 能不能 能否 可不可以 可以 需要 要 吗 呢 吧 啊 呀 的 了 是 有 在 和 与 及 或 都 就 还 也 会 能 该 谁 找
转 给 对 把 被 这 那 个 项 条 负责 牵头 配合 协助 管 办 归 由 时间 时候 现在 一般 具体 规定 文件 通知 方案 政策 任务 事项 工作 情况 问题
这个 那个 这些 那些 这项 那项 其 它 他 她 一个 哪 谁家 么 吗 嘛 哦 哈 谢谢 您好 你好 好 想 知道 了解 告诉 说 讲 是不是 有没有 多 少
每 各 所 之 为 以 于 上 下 中 里 内 外 后 前 时 等 方面 相关 有关 关于 主要 方面 里面 其中 当中 应该 可能 大概 大约 左右 一共 总共
得 地 着 过 来 去 又 再 才 只 从 向 到 往 跟 同 并 而 但 如果 因为 所以 然后 那么 还有 另外 以及 比如 例如 已经 正在 将 把 让 使
能够 可否 允许 情况下 区里 区 九龙坡 九龙坡区 重庆 重庆市 市里 我区 全区 贵区 本区 单位 人员 部 局 委 办 牵头单位 配合单位 责任单位
对应 相应 相关的 工单 来电 作为 附件 附表 正文 部分 条目 全称 标题 抬头
没有 人家 别人 别个 大家 怎么办 咋办 咋个办 怎么弄 咋弄 怎么搞 咋搞
""".split()
)
SCAFFOLD_EN = frozenset(
    """
a an the of for to in on at by with from about into over under and or but if then than so as is are was were be been being do does did doing
can could will would shall should may might must have has had i we you he she it they me us him her them my our your his its their this that
these those what which who whom whose when where why how there here please tell me know want need get got any some all each every more most
much many long time take takes taking does done make made also just only very really up out one ones thing things way kind sort
department departments unit units agency agencies office offices bureau bureaus body bodies authority authorities organization organisation
lead leads leading responsible charge handles handle cooperate cooperating cooperates cooperation support supporting assist assisting task tasks
item items plan notice document jiulongpo chongqing district company companies firm firms business businesses enterprise enterprises
hi hello thanks thank quick question sorry obvious our team still learning ropes moved year this like would about regarding
what's who's where's how's it's i'm we're now currently today max maximum min minimum total overall
near nearby around best good recommend suggest give show find explain describe let know tell
anything anyone anybody anywhere something someone somebody somewhere everything everyone everybody everywhere
nothing nobody nowhere whatever whoever whichever among between during before after since until
within across along upon via per despite except unless whether while though although because
still already yet ever never always often sometimes again soon actually even ago able
say says said saying mention mentions mentioned
""".split()
)
#: Verbs of asking and telling: scaffolding in every inflection (gives, mentioned, explaining).
SCAFFOLD_EN_VERBS = frozenset(
    "say mention give tell show explain describe know want need get make take let suggest recommend".split()
)

#: Generic English words that count as a request for a unit (who/which) even without an interrogative.
LIST_CUE = re.compile(
    r"(?:哪些|什么|几项|几个|几条|多少项|多少个|多少条|所有|全部)(?:的)?(?:工作)?(?:任务|工作|事项|事情|事)|列出|列举|清单|一览"
    r"|(?:负责|牵头|配合|参与|承担|协助|主管)(?:了)?(?:哪些|哪几|什么|几项|多少)|(?:负责|牵头|配合|参与|承担)的(?:工作)?任务"
    r"|任务(?:有|是)?(?:哪些|哪几|什么)|(?:单位|部门)的(?:工作)?任务|(?:牵头|负责|配合|参与)的?(?:都)?(?:有|是)?哪些"
    r"|\b(?:what|which|list|all|how many)\b(?=[^?]*\btasks?\b)|\blist\b"
    r"|\bwhat (?:does|do|is|are)\b(?=[^?]*\b(?:lead|leads|responsible for|handle|handles|in charge of|cooperate|cooperates|support)\b)",
    _F,
)


@cache
def cue_words() -> frozenset[str]:
    """The Chinese words the interrogative patterns and the scaffolding are made of (牵头, 配合, 单位, 多久 ...):
    the vocabulary a typo in the asking part of a question is corrected against."""
    words = {w for w in SCAFFOLD_ZH if len(w) >= 2}
    for pattern in (*KIND_CUES.values(), *STRUCTURE_CUES.values(), LIST_CUE):
        source = re.sub(r"\(\?[:=!<]+|[()?|*+]|\{\d*,?\d*\}", " ", pattern.pattern)
        words.update(w for w in re.findall(r"[\u4e00-\u9fff]{2,4}", source))
    return frozenset(words)


# Wh-words that ask nothing (see indefinite_masked). In a 吗 question a wh-word is an indefinite (有几个专利，能拿去
# 贷款吗 = "a few patents") unless a verb of knowing or telling embeds it (你知道要多少天吗 asks the number); its
# earlier clauses count only where the wh-word follows 有/了/过 (招了几个人, 有多少家分店). Without 吗, a told clause
# before an asking one (有液化气充装站几家串通涨价，…哪个部门查处？) counts nothing unless it says 一共.
_EMBEDDING = re.compile(r"知道|告诉|清楚|了解|问一?下|问问|请问|查一?下|说一?下|说说|打听|确认|算一?下")
_WH_IN_MA_CLAUSE = re.compile(r"几|多少|多久|多长")
_WH_AFTER_HAVING = re.compile(r"(?<=[有了过])(?:几|多少)")
_TOLD_WH = re.compile(r"[有了过][^，,；;]{0,8}?(?:几|多少)")
_REAL_COUNT = re.compile(r"一共|总共|共有|共计|到底|究竟|请问|分别")
# An A-not-A question (是不是, 能不能, 有没有, 可不可以) asks yes or no as 吗 does: 能不能几天内办完 asks no number.
_A_NOT_A = re.compile(r"([\u4e00-\u9fff])[不没]\1")
_POINTS_BACK = re.compile(
    r"这种(?:情况|事|问题|行为)|这类(?:情况|事|问题|行为)|这(?:件)?事|这个(?:情况|事)|上述"
)
_ASKING_MARK = re.compile(r"吗|呢|谁|哪|什么|怎么|如何|能不能|能否|是否|有没有|可不可以|会不会|是不是|[?？]")


# 几家 as the subject of what the clause tells (还几家商量好一起涨: "a few firms agreed"): counted things, then a verb
_TOLD_SUBJECT_WH = re.compile(r"(?:几|多少)(?=[家项条次户件种批张位名人][\u4e00-\u9fff]{2})")
# 这几个月, 前几天, 近几年: a demonstrative "these few", never a question
_DEMONSTRATIVE_WH = re.compile(r"(?<=[这那前近])几")
# a told state (审批快到期限了, 等了很久了): a clause that ends in 了 and asks nothing names no asked kind
_TOLD_STATE = re.compile(r"了[，,；;]?$")
# 还想巡演几个城市, 打算开几家店: "a few" after a verb of intent in a told clause; a verb of asking after it
# (想知道要几天, 想问一下多少钱) still asks
_INTENDED_WH = re.compile(
    r"(?:想|打算|准备|计划)(?!知道|问|了解|咨询|请教|确认|查)[^，,；;]{0,10}?(?:几|多少)"
)
# hearsay (听说拍卖要等好久): a clause reporting what others say asks nothing
_HEARSAY = re.compile(r"^\s*(?:听说|据说|听人说|听别人说|有人说|都说|传说)")
# 少开几次庭, 多跑几趟: "a few (more/fewer)" after 少/多 and a verb, not 最多几天 (at most how many days)
_FEWER_MORE_WH = re.compile(r"(?<=(?<![最至多])[少多])([\u4e00-\u9fff]?)几")


def _intended(clause: str) -> str:
    """`clause` with the wh-words of what one intends (打算开几家店) masked."""
    return _INTENDED_WH.sub(lambda m: _WH_IN_MA_CLAUSE.sub("某", m.group(0)), clause)


def _told(clause: str) -> str:
    """A clause told before the asking one: its 有/了 … 几 and its subject 几家 masked unless it says 一共 (a count
    really asked); the whole clause when it tells a state that has come about (…了) and asks nothing."""
    if _REAL_COUNT.search(clause):
        return clause
    if (_TOLD_STATE.search(clause) or _HEARSAY.search(clause)) and not _ASKING_MARK.search(clause):
        return "某" * len(clause)
    clause = _intended(_FEWER_MORE_WH.sub(r"\1某", _TOLD_SUBJECT_WH.sub("某", clause)))
    return _TOLD_WH.sub(lambda m: _WH_IN_MA_CLAUSE.sub("某", m.group(0)), clause)


def indefinite_masked(text: str) -> str:
    """`text` with the wh-words that are indefinites replaced by 某 (they ask nothing): those of a 吗 or A-not-A
    question, and those of a told clause (有/了 … 几) before a clause that asks."""

    def mask(sentence: str) -> str:
        if _EMBEDDING.search(sentence):
            return sentence
        clauses = re.split(r"(?<=[，,；;])", sentence)
        # the asking clause is the last that asks; what follows it gives a reason (…，免得超时)
        asking = [
            n for n, c in enumerate(clauses) if _ASKING_MARK.search(c.replace("几", "").replace("多少", ""))
        ]
        cut = asking[-1] + 1 if asking else len(clauses)
        *earlier, last = clauses[:cut]
        return masked(earlier, last) + "".join(clauses[cut:])

    def masked(earlier: list[str], last: str) -> str:
        if "吗" in last:
            return "".join(_WH_AFTER_HAVING.sub("某", _intended(c)) for c in earlier) + _WH_IN_MA_CLAUSE.sub(
                "某", last
            )
        if _A_NOT_A.search(last):
            return "".join(_told(c) for c in earlier) + _WH_IN_MA_CLAUSE.sub("某", last)
        if not _ASKING_MARK.search(last.replace("几", "").replace("多少", "")):
            return "".join(earlier) + last
        back = next((n for n, c in enumerate([*earlier, last]) if n and _POINTS_BACK.search(c)), 0)
        if back:
            # 这种情况谁管？ points back at what the clauses before it told (几家店约好了涨价): they ask nothing
            earlier = [_WH_IN_MA_CLAUSE.sub("某", c) if n < back else c for n, c in enumerate(earlier)]
        return "".join(_told(c) for c in earlier) + last

    text = _DEMONSTRATIVE_WH.sub("某", text)
    return "".join(mask(p) for p in re.findall(r"[^。？?！!]*[。？?！!]?", text) if p)


_TARGET = re.compile(r"要(?:做到|达到|完成|实现)|计划|力争|争取|目标|打算")
_ACHIEVED = re.compile(r"实际(?!上)|已经|完成了|达到了|做到了|排名|名次|\bactual\b|\bachieved\b")
_ENDS_IN_MA = re.compile(r"吗[\s？?！!。]*$")


def _asks_yes_or_no(text: str) -> bool:
    """The last sentence, or an earlier one ending in a question mark, ends in 吗 or asks A-not-A (管不管), and no
    verb of knowing embeds it (你知道谁…吗)."""
    sentences = [p for p in re.split(r"(?<=[？?！!。])", text) if p.strip()] or [""]
    # the last sentence, or an earlier one that asks too (管不管这种事？谁负责？ asks both)
    asking = [sentences[-1], *(p for p in sentences[:-1] if re.search(r"[？?]\s*$", p))]
    return any(not _EMBEDDING.search(p) and bool(_ENDS_IN_MA.search(p) or _A_NOT_A.search(p)) for p in asking)


_RATIO_OF_AMOUNT = re.compile(r"(?:金额|额度|费用|价格|价款|总额|款项?)的?(?:百分之|比例|几成|占比|%)")


def ask_kinds(text: str) -> list[str]:
    """Every kind of fact the (lower-cased, normalized) question asks for, in the vocabulary's order."""
    text = indefinite_masked(text)
    kinds = [kind for kind, pattern in KIND_CUES.items() if pattern.search(text)]
    if "frequency" in kinds:
        # 多久查一次 / 一年查几次: how often, not how long or how many things
        kinds = [k for k in kinds if k not in ("duration", "count")]
    if "duration" in kinds and "deadline" in kinds:
        kinds.remove("deadline")  # 什么时候能办好 / when will it be done: a processing time
    if "statistic" in kinds and _TARGET.search(text) and not _ACHIEVED.search(text):
        kinds.remove("statistic")  # 今年要做到多少担保额: the plan's target, not a figure achieved
    if "statistic" in kinds and "count" in kinds:
        kinds.remove("count")
    if "contact" in kinds and "lead" in kinds and not re.search(r"谁|who", text):
        kinds.remove("lead")
    if "rate" in kinds and "amount" in kinds and _RATIO_OF_AMOUNT.search(text):
        kinds.remove("amount")  # 合同金额的百分之几: the amount is what the share is of
    if "yesno" not in kinds and set(kinds) <= {"lead", "coop", "content"} and _asks_yes_or_no(text):
        kinds.append("yesno")  # 这些事有人管吗, 区里管不管: yes or no, whatever the verb
    return kinds


# A question asking for a total, and a sentence that states one (全流程…8天内, 总用时不超过13个工作日).
_TOTAL_ASKED = re.compile(
    r"一共|总共|合计|加起来|全部下来|总用时|全流程|\bin total\b|\baltogether\b|\ball (?:together|in)\b|\boverall\b|\btotal\b",
    _F,
)
_TOTAL_STATED = re.compile(r"全流程|总用时|总时[间限]|合计|总计|共计|全部")


def asks_total(question: str) -> bool:
    """Does the question ask for a total (in total, 一共, 全流程)?"""
    return bool(_TOTAL_ASKED.search(question))


def states_total(text: str) -> bool:
    """Does a sentence state a total (全流程, 总用时)?"""
    return bool(_TOTAL_STATED.search(text))


def has_value(kind: str, text: str, figure: bool = False) -> bool:
    """Does `text` state a value of this kind (with `figure`, one written in digits)?"""
    pattern = VALUE_PATTERNS.get(kind)
    if pattern is None:
        return False
    if figure:
        return any(re.search(r"\d", m.group(0)) for m in pattern.finditer(text))
    return bool(pattern.search(text))


# A figure an English question states (13 working days, five years, 30%): what a yes-or-no claim says.
_EN_NUMBER = (
    r"(?:\d+(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|fifteen|twenty|thirty)"
)
_EN_STATED = {
    "duration": re.compile(
        rf"\b{_EN_NUMBER}\s+(?:working\s+|business\s+|calendar\s+)?(?:days?|hours?|weeks?|months?|years?)\b",
        _F,
    ),
    "rate": re.compile(rf"\b{_EN_NUMBER}\s*(?:%|per\s*cent|percent)", _F),
}
_STATED_KINDS = ("duration", "rate", "amount")


def stated_value_kinds(text: str) -> list[str]:
    """The kinds of the figures a yes-or-no question states as its claim (是不是3个工作日就能办完, does it take 13
    working days, …for five years): the claim holds only where the record states a value of that kind. Counts are
    left out: 一个执照, 几个门市 name things, not the claim; so are figures in Chinese numerals (三天两头)."""
    # a figure in digits: 三天两头, 半天, 七十多了 and 每年 are manners of speaking, not a claimed figure
    found = [k for k in _STATED_KINDS if has_value(k, text, figure=True)]
    found += [k for k, pattern in _EN_STATED.items() if pattern.search(text) and k not in found]
    return found


def strip_injection(text: str) -> tuple[str, bool]:
    """The question without instructions addressed to the assistant, and whether there were any."""
    cleaned = INJECTION.sub(" ", text)
    return " ".join(cleaned.split()), cleaned != text
