"""Handler-facing names kept from before the languages had a package: see
``chatmod.languages``."""

from chatmod.languages.codes import SUPPORTED as SUPPORTED
from chatmod.languages.codes import UNKNOWN as UNKNOWN
from chatmod.languages.codes import LanguageCode as LanguageCode
from chatmod.languages.detect import MIN_CONFIDENCE as MIN_CONFIDENCE
from chatmod.languages.detect import MIN_LETTERS as MIN_LETTERS
from chatmod.languages.detect import NOT_DETECTED as NOT_DETECTED
from chatmod.languages.detect import LangidDetector as LangidDetector
from chatmod.languages.detect import LanguageDetector as LanguageDetector
from chatmod.languages.detect import LanguageGuess as LanguageGuess
