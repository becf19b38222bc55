"""Written training lines for the served languages: threats, insults, group hate and harmless
chat that borrows violent or rude-looking words.

The labelled tweets carry few threats and no chat; Spanish and Italian have no labelled data at
all. These frames, written for chatmod, fill those gaps; slot words combine them into varied
lines. Lines of the multilingual evaluation sets (``tests/functional/multilingual``) are
dropped by ``train_multilingual.py`` before training.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from training.data import LABELS, Example

NAN = float("nan")


@dataclass(frozen=True)
class Frames:
    threats: tuple[str, ...]
    insults: tuple[str, ...]
    insult_words: tuple[str, ...]
    hate: tuple[str, ...]
    groups: tuple[str, ...]
    benign: tuple[str, ...]
    game_words: tuple[str, ...]


FRAMES: dict[str, Frames] = {
    "de": Frames(
        threats=(
            "ich bring dich um {when}",
            "ich weiß wo du wohnst, {when} bist du dran",
            "ich stech dich ab wenn ich dich sehe",
            "pass auf, ich find dich {when}",
            "dir schlag ich {when} die fresse ein",
            "du wirst {when} bluten",
            "ich komm {when} zu dir und dann knallts",
            "ich mach dich kalt, versprochen",
        ),
        insults=(
            "du bist so ein {w}",
            "halt die klappe du {w}",
            "was für ein {w} bist du denn",
            "verpiss dich du {w}",
            "streamer ist ein {w}",
            "alle hier sind {w}s",
        ),
        insult_words=(
            "idiot",
            "vollidiot",
            "spast",
            "wichser",
            "penner",
            "hurensohn",
            "opfer",
            "lappen",
            "drecksack",
            "missgeburt",
        ),
        hate=(
            "{g} sollte man alle rauswerfen",
            "{g} sind ungeziefer",
            "{g} gehören nicht hierher",
            "{g} sind keine menschen",
            "ich hasse {g}, alle",
            "{g} raus aus unserem land",
        ),
        groups=("ausländer", "flüchtlinge", "juden", "muslime", "schwule", "frauen", "türken"),
        benign=(
            "{x} zuerst den boss, dann den heiler",
            "du hast ihn mit einem schuss {x}",
            "der stream heute ist {y}",
            "danke für den tollen stream",
            "wer spielt heute mit",
            "das war ein krasser clutch",
            "gute nacht chat, bis morgen",
            "lol der bug ist witzig",
            "welche maus benutzt du",
            "ich bin heute zum ersten mal hier",
        ),
        game_words=(
            "töte",
            "erschossen",
            "killen",
            "abgeschossen",
            "richtig geil",
            "der hammer",
            "mega gut",
        ),
    ),
    "es": Frames(
        threats=(
            "te voy a matar {when}",
            "sé dónde vives, {when} te busco",
            "te voy a apuñalar",
            "te reviento la cara {when}",
            "vas a sangrar {when}",
            "te pego un tiro si te veo",
            "ojalá te mueras {when}",
            "voy a por ti {when}, ya verás",
        ),
        insults=(
            "eres un {w}",
            "cállate {w}",
            "qué {w} eres",
            "vete a la mierda {w}",
            "el streamer es un {w}",
            "sois todos unos {w}s",
        ),
        insult_words=(
            "idiota",
            "imbécil",
            "gilipollas",
            "subnormal",
            "pendejo",
            "cabrón",
            "estúpido",
            "basura",
            "tarado",
            "inútil",
        ),
        hate=(
            "los {g} son una plaga",
            "hay que echar a todos los {g}",
            "los {g} no son personas",
            "odio a los {g}",
            "los {g} deberían desaparecer",
            "fuera los {g} de mi país",
        ),
        groups=("inmigrantes", "judíos", "musulmanes", "gays", "negros", "moros", "gitanos"),
        benign=(
            "{x} primero al jefe y luego al curandero",
            "lo {x} de un disparo",
            "el stream de hoy está {y}",
            "gracias por el directo",
            "quién juega esta noche",
            "qué clutch más bueno",
            "buenas noches chat, hasta mañana",
            "jajaja ese bug",
            "qué ratón usas",
            "es mi primera vez aquí",
        ),
        game_words=("mata", "mataste", "reventamos", "disparaste", "brutal", "genial", "increíble"),
    ),
    "fr": Frames(
        threats=(
            "je vais te tuer {when}",
            "je sais où tu habites, {when} je viens",
            "je vais te planter",
            "je vais te défoncer la gueule {when}",
            "tu vas saigner {when}",
            "je te bute si je te croise",
            "crève {when}",
            "je te retrouve {when}, tu vas voir",
        ),
        insults=(
            "t'es un {w}",
            "ferme ta gueule {w}",
            "quel {w} celui là",
            "va te faire foutre {w}",
            "le streamer est un {w}",
            "vous êtes tous des {w}s",
        ),
        insult_words=(
            "connard",
            "abruti",
            "débile",
            "crétin",
            "enculé",
            "idiot",
            "bouffon",
            "déchet",
            "imbécile",
            "attardé",
        ),
        hate=(
            "les {g} sont des parasites",
            "il faut virer tous les {g}",
            "les {g} ne sont pas humains",
            "je hais les {g}",
            "les {g} devraient disparaître",
            "dehors les {g}",
        ),
        groups=("immigrés", "juifs", "musulmans", "gays", "noirs", "arabes", "femmes"),
        benign=(
            "{x} d'abord le boss puis le soigneur",
            "tu l'as {x} en un tir",
            "le stream ce soir est {y}",
            "merci pour le live",
            "qui joue ce soir",
            "quel clutch incroyable",
            "bonne nuit le chat, à demain",
            "mdr ce bug",
            "tu utilises quelle souris",
            "c'est ma première fois ici",
        ),
        game_words=("tue", "tué", "explosé", "abattu", "génial", "trop bien", "incroyable"),
    ),
    "pt": Frames(
        threats=(
            "vou te matar {when}",
            "sei onde você mora, {when} eu te pego",
            "vou te esfaquear",
            "vou quebrar tua cara {when}",
            "você vai sangrar {when}",
            "te dou um tiro se te ver",
            "tomara que você morra {when}",
            "vou atrás de você {when}, espera só",
        ),
        insults=(
            "você é um {w}",
            "cala a boca {w}",
            "que {w} você é",
            "vai se foder {w}",
            "o streamer é um {w}",
            "vocês são todos uns {w}s",
        ),
        insult_words=(
            "idiota",
            "imbecil",
            "otário",
            "babaca",
            "lixo",
            "burro",
            "arrombado",
            "retardado",
            "inútil",
            "escroto",
        ),
        hate=(
            "os {g} são uma praga",
            "tem que expulsar todos os {g}",
            "os {g} não são gente",
            "odeio os {g}",
            "os {g} deviam sumir",
            "fora {g} do meu país",
        ),
        groups=("imigrantes", "judeus", "muçulmanos", "gays", "negros", "nordestinos", "mulheres"),
        benign=(
            "{x} primeiro o chefe e depois o healer",
            "você {x} ele com um tiro",
            "a live de hoje tá {y}",
            "obrigado pela live",
            "quem joga hoje",
            "que clutch absurdo",
            "boa noite chat, até amanhã",
            "kkkk esse bug",
            "qual mouse você usa",
            "primeira vez aqui",
        ),
        game_words=("mata", "matou", "detonou", "acertou", "incrível", "demais", "muito boa"),
    ),
    "it": Frames(
        threats=(
            "ti ammazzo {when}",
            "so dove abiti, {when} ti vengo a prendere",
            "ti accoltello",
            "ti spacco la faccia {when}",
            "sanguinerai {when}",
            "ti sparo se ti vedo",
            "spero che tu muoia {when}",
            "ti trovo {when}, vedrai",
        ),
        insults=(
            "sei un {w}",
            "stai zitto {w}",
            "che {w} che sei",
            "vaffanculo {w}",
            "lo streamer è un {w}",
            "siete tutti dei {w}",
        ),
        insult_words=(
            "idiota",
            "imbecille",
            "coglione",
            "stronzo",
            "deficiente",
            "cretino",
            "ritardato",
            "scemo",
            "testa di cazzo",
            "pezzo di merda",
        ),
        hate=(
            "gli {g} sono una piaga",
            "bisogna cacciare tutti gli {g}",
            "gli {g} non sono persone",
            "odio gli {g}",
            "gli {g} dovrebbero sparire",
            "fuori gli {g} dal mio paese",
        ),
        groups=(
            "immigrati",
            "ebrei",
            "islamici",
            "omosessuali",
            "africani",
            "zingari",
            "stranieri",
        ),
        benign=(
            "{x} prima il boss e poi il curatore",
            "l'hai {x} con un colpo",
            "la live di oggi è {y}",
            "grazie per la live",
            "chi gioca stasera",
            "che clutch pazzesco",
            "buonanotte chat, a domani",
            "ahah quel bug",
            "che mouse usi",
            "prima volta qui",
        ),
        game_words=(
            "ammazza",
            "ucciso",
            "fatto fuori",
            "sparato",
            "fantastica",
            "bellissima",
            "pazzesca",
        ),
    ),
    "tr": Frames(
        threats=(
            "seni öldüreceğim {when}",
            "nerede oturduğunu biliyorum, {when} geliyorum",
            "seni bıçaklayacağım",
            "{when} kafanı kıracağım",
            "{when} kan kusacaksın",
            "seni görürsem vururum",
            "{when} geberip gideceksin",
            "{when} seni bulacağım, görürsün",
        ),
        insults=(
            "sen tam bir {w}sın",
            "kapa çeneni {w}",
            "ne {w} adamsın",
            "siktir git {w}",
            "yayıncı tam bir {w}",
            "hepiniz {w}sınız",
        ),
        insult_words=(
            "aptal",
            "salak",
            "gerizekalı",
            "mal",
            "şerefsiz",
            "ahmak",
            "ezik",
            "beyinsiz",
            "pislik",
            "dangalak",
        ),
        hate=(
            "{g} bu ülkeden defolsun",
            "bütün {g} kovulmalı",
            "{g} insan değil",
            "{g} nefret ediyorum",
            "{g} yok olmalı",
            "{g} hepsi hain",
        ),
        groups=(
            "suriyeliler",
            "yahudiler",
            "kürtler",
            "göçmenler",
            "ermeniler",
            "eşcinseller",
            "araplar",
        ),
        benign=(
            "önce bossu {x} sonra healerı",
            "onu tek atışta {x}",
            "bugünkü yayın {y}",
            "yayın için teşekkürler",
            "bu akşam kim oynuyor",
            "ne clutch ama",
            "iyi geceler chat, yarın görüşürüz",
            "ahaha bu bug çok komik",
            "hangi mouse kullanıyorsun",
            "ilk defa buradayım",
        ),
        game_words=("öldür", "vurdun", "indirdin", "patlattın", "harika", "efsane", "çok iyi"),
    ),
}

WHEN = {
    "de": ("heute nacht", "morgen", "bald", "nach dem stream"),
    "es": ("esta noche", "mañana", "pronto", "después del stream"),
    "fr": ("ce soir", "demain", "bientôt", "après le stream"),
    "pt": ("hoje à noite", "amanhã", "logo", "depois da live"),
    "it": ("stanotte", "domani", "presto", "dopo la live"),
    "tr": ("bu gece", "yarın", "yakında", "yayından sonra"),
}


def _example(text: str, lang: str, **known: float) -> Example:
    values = tuple(known.get(label, NAN) for label in LABELS)
    return Example(text, values, f"written_{lang}", int(known.get("toxicity", 0.0) >= 0.5))


def written_rows(seed: int, per_kind: int = 60, benign_per_kind: int = 120) -> list[Example]:
    """Up to ``per_kind`` distinct lines of each toxic kind in each language, and
    ``benign_per_kind`` of harmless game talk."""
    rng = random.Random(seed)
    zeros = {label: 0.0 for label in LABELS}
    out: list[Example] = []
    for lang, f in FRAMES.items():
        kinds = {
            "threat": lambda f=f, lang=lang: rng.choice(f.threats).format(
                when=rng.choice(WHEN[lang])
            ),
            "insult": lambda f=f: rng.choice(f.insults).format(w=rng.choice(f.insult_words)),
            "hate": lambda f=f: rng.choice(f.hate).format(g=rng.choice(f.groups)),
            "benign": lambda f=f: rng.choice(f.benign).format(
                x=rng.choice(f.game_words), y=rng.choice(f.game_words)
            ),
        }
        labels = {
            "threat": {"toxicity": 1.0, "threat": 1.0, "severe_toxicity": NAN},
            "insult": {"toxicity": 1.0, "insult": 1.0, "threat": 0.0},
            "hate": {"toxicity": 1.0, "identity_attack": 1.0, "threat": 0.0},
            "benign": zeros,
        }
        for kind, make in kinds.items():
            seen: set[str] = set()
            wanted = benign_per_kind if kind == "benign" else per_kind
            for _ in range(wanted * 8):
                text = make()
                if rng.random() < 0.3:
                    text = text.upper() if kind != "benign" else text.capitalize()
                if text not in seen:
                    seen.add(text)
                    out.append(_example(text, lang, **labels[kind]))
                if len(seen) >= wanted:
                    break
    return out


@dataclass(frozen=True)
class ChatParts:
    """Pieces of everyday stream chat: an opener, a body and an ending, freely combined."""

    openers: tuple[str, ...]
    bodies: tuple[str, ...]
    endings: tuple[str, ...]


CHAT: dict[str, ChatParts] = {
    "de": ChatParts(
        openers=("", "", "hey", "moin", "leute", "chat", "ok", "ey", "na", "oh mann"),
        bodies=(
            "wann kommt das nächste video",
            "wie heißt das spiel",
            "das lied im hintergrund ist gut",
            "ich muss gleich los, bis später",
            "bin gerade erst aufgewacht",
            "die grafik sieht krass aus",
            "welches level ist das",
            "hast du heute noch was vor",
            "mein kaffee ist kalt geworden",
            "wir brauchen einen neuen plan",
            "der boss hat zu viel leben",
            "noch eine runde bitte",
            "ich hab den erfolg endlich",
            "das update ist richtig gut",
            "wo kriegt man das schwert",
            "mein internet spinnt heute",
            "grüße aus hamburg",
            "hab mir das spiel auch gekauft",
            "die musik ist zu laut",
            "der streamer ist heute gut drauf",
            "morgen hab ich schule",
            "ich esse gerade pizza",
            "welche einstellungen nutzt du",
            "das war knapp",
            "wie lange streamst du heute",
            "der neue skin ist schön",
            "wir schaffen das",
        ),
        endings=("", "", "", "lol", "haha", "xD", "!!", "😂", "🔥", "?", "gg"),
    ),
    "es": ChatParts(
        openers=("", "", "hola", "buenas", "chicos", "chat", "oye", "bueno", "ey", "madre mía"),
        bodies=(
            "cuándo sale el próximo video",
            "cómo se llama el juego",
            "qué buena la música de fondo",
            "me tengo que ir, hasta luego",
            "acabo de despertarme",
            "los gráficos se ven increíbles",
            "qué nivel es este",
            "tienes planes para hoy",
            "se me enfrió el café",
            "necesitamos otro plan",
            "el jefe tiene demasiada vida",
            "una partida más porfa",
            "por fin tengo el logro",
            "la actualización está genial",
            "dónde se consigue la espada",
            "mi internet va fatal hoy",
            "saludos desde valencia",
            "yo también compré el juego",
            "la música está muy alta",
            "el streamer está muy animado hoy",
            "mañana tengo clase",
            "estoy comiendo pizza",
            "qué configuración usas",
            "eso estuvo cerca",
            "cuánto vas a streamear hoy",
            "la nueva skin es preciosa",
            "vamos que se puede",
        ),
        endings=("", "", "", "jaja", "jajaja", "xD", "!!", "😂", "🔥", "?", "gg"),
    ),
    "fr": ChatParts(
        openers=("", "", "salut", "coucou", "les gars", "le chat", "bon", "ah", "wesh", "oh là là"),
        bodies=(
            "c'est quand la prochaine vidéo",
            "c'est quoi le nom du jeu",
            "la musique de fond est cool",
            "je dois y aller, à plus",
            "je viens de me réveiller",
            "les graphismes sont magnifiques",
            "c'est quel niveau",
            "t'as prévu quoi ce soir",
            "mon café est froid",
            "il nous faut un autre plan",
            "le boss a trop de vie",
            "encore une partie stp",
            "j'ai enfin le succès",
            "la mise à jour est top",
            "on trouve où l'épée",
            "ma connexion rame aujourd'hui",
            "salut de lyon",
            "j'ai acheté le jeu aussi",
            "la musique est trop forte",
            "le streamer est en forme ce soir",
            "demain j'ai cours",
            "je mange une pizza",
            "tu utilises quels réglages",
            "c'était serré",
            "tu streames combien de temps",
            "le nouveau skin est trop beau",
            "on va y arriver",
            "bonne soirée à tous",
            "merci pour les conseils",
            "j'adore ce jeu",
        ),
        endings=("", "", "", "mdr", "ptdr", "xD", "!!", "😂", "🔥", "?", "gg"),
    ),
    "pt": ChatParts(
        openers=("", "", "oi", "olá", "galera", "chat", "mano", "bom", "eai", "nossa"),
        bodies=(
            "quando sai o próximo vídeo",
            "qual o nome do jogo",
            "a música de fundo é boa",
            "tenho que ir, até mais",
            "acabei de acordar",
            "os gráficos estão lindos",
            "que fase é essa",
            "vai fazer o que hoje",
            "meu café esfriou",
            "precisamos de outro plano",
            "o chefe tem vida demais",
            "mais uma partida por favor",
            "finalmente peguei a conquista",
            "a atualização ficou ótima",
            "onde pega a espada",
            "minha internet tá ruim hoje",
            "abraço de recife",
            "comprei o jogo também",
            "a música tá alta demais",
            "o streamer tá animado hoje",
            "amanhã tenho aula",
            "tô comendo pizza",
            "qual configuração você usa",
            "essa foi por pouco",
            "vai ficar quanto tempo ao vivo",
            "a skin nova é linda",
            "bora que dá",
        ),
        endings=("", "", "", "kkkk", "kkk", "rs", "!!", "😂", "🔥", "?", "gg"),
    ),
    "it": ChatParts(
        openers=("", "", "ciao", "salve", "ragazzi", "chat", "oh", "allora", "ehi", "mamma mia"),
        bodies=(
            "quando esce il prossimo video",
            "come si chiama il gioco",
            "bella la musica di sottofondo",
            "devo andare, a dopo",
            "mi sono appena svegliato",
            "la grafica è stupenda",
            "che livello è questo",
            "cosa fai stasera",
            "il mio caffè si è raffreddato",
            "ci serve un altro piano",
            "il boss ha troppa vita",
            "un'altra partita dai",
            "finalmente ho il trofeo",
            "l'aggiornamento è ottimo",
            "dove si trova la spada",
            "la mia connessione va male oggi",
            "saluti da napoli",
            "ho comprato anche io il gioco",
            "la musica è troppo alta",
            "lo streamer è carico oggi",
            "domani ho scuola",
            "sto mangiando la pizza",
            "che impostazioni usi",
            "c'è mancato poco",
            "quanto streammi oggi",
            "la nuova skin è bellissima",
            "ce la possiamo fare",
        ),
        endings=("", "", "", "ahah", "ahahah", "xD", "!!", "😂", "🔥", "?", "gg"),
    ),
    "tr": ChatParts(
        openers=("", "", "selam", "merhaba", "arkadaşlar", "chat", "abi", "tamam", "hey", "vay be"),
        bodies=(
            "sonraki video ne zaman",
            "oyunun adı ne",
            "arkadaki müzik güzel",
            "gitmem lazım, görüşürüz",
            "yeni uyandım",
            "grafikler harika görünüyor",
            "bu hangi bölüm",
            "bugün planın var mı",
            "kahvem soğudu",
            "başka bir plana ihtiyacımız var",
            "bossun canı çok fazla",
            "bir el daha lütfen",
            "sonunda başarımı aldım",
            "güncelleme çok iyi olmuş",
            "kılıç nereden alınıyor",
            "internetim bugün kötü",
            "istanbul'dan selamlar",
            "ben de oyunu aldım",
            "müzik çok yüksek",
            "yayıncı bugün çok enerjik",
            "yarın okulum var",
            "pizza yiyorum şu an",
            "hangi ayarları kullanıyorsun",
            "kıl payı kurtulduk",
            "bugün ne kadar yayın yapacaksın",
            "yeni skin çok güzel",
            "yapabiliriz",
        ),
        endings=("", "", "", "ahaha", "sjsjsj", "xD", "!!", "😂", "🔥", "?", "gg"),
    ),
}


def chat_rows(seed: int, per_language: int = 700, pairs: bool = True) -> list[Example]:
    """Harmless everyday chat in each language (every label 0): the labelled sources are
    tweets collected around hostile keywords, so without these a plain line can read as toxic."""
    rng = random.Random(seed)
    zeros = {label: 0.0 for label in LABELS}
    out: list[Example] = []
    for lang, parts in CHAT.items():
        seen: set[str] = set()
        for _ in range(per_language * 10):
            body = rng.choice(parts.bodies)
            if pairs and rng.random() < 0.35:  # two thoughts in one line, as chat often has
                body = f"{body}, {rng.choice(parts.bodies)}"
            words = [rng.choice(parts.openers), body, rng.choice(parts.endings)]
            text = " ".join(w for w in words if w)
            if rng.random() < 0.2:
                text = text.capitalize()
            if text not in seen:
                seen.add(text)
                out.append(
                    Example(text, tuple(zeros[label] for label in LABELS), f"chat_{lang}", 0)
                )
            if len(seen) >= per_language:
                break
    return out
