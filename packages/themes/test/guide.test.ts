// One case per inclusion / exclusion clause of the labelling guide, in Serbian (both scripts),
// Russian and English. All sentences are written for these tests.
import { describe, expect, it } from "vitest";
import { defaultTaxonomy, type ThemeId, tagItem } from "../src/index";
import { toCyrillic } from "../test-support/sr-cyrl";

type Lang = "sr" | "ru" | "en";
interface Case {
  lang: Lang;
  title: string;
  summary?: string;
  has?: ThemeId[];
  not?: ThemeId[];
}

const tax = defaultTaxonomy();

function check(c: Case, title: string, summary: string | undefined, lang: string | null) {
  const tags = tagItem(tax, { title, summary, lang });
  const ids = tags.map((t) => t.id);
  for (const id of c.has ?? []) expect(ids, `${id} expected in: ${title} | ${summary ?? ""}`).toContain(id);
  for (const id of c.not ?? [])
    expect(ids, `${id} not expected in: ${title} | ${summary ?? ""}`).not.toContain(id);
  for (const t of tags) {
    for (const e of t.evidence) {
      const src = e.field === "title" ? title : (summary ?? "");
      expect(src.slice(e.start, e.end)).toBe(e.text);
    }
  }
}

function run(name: string, cases: Case[]) {
  describe(name, () => {
    for (const c of cases) {
      it(`[${c.lang}] ${c.title}`, () => {
        check(c, c.title, c.summary, c.lang);
        check(c, c.title, c.summary, null); // the tagger must work without the language hint
        if (c.lang === "sr") {
          const summary = c.summary === undefined ? undefined : toCyrillic(c.summary);
          check(c, toCyrillic(c.title), summary, "sr");
          check(c, toCyrillic(c.title), summary, null);
        }
      });
    }
  });
}

run("kosovo", [
  { lang: "sr", title: "Pregovori o Kosovu nastavljeni u Briselu", has: ["kosovo"] },
  { lang: "sr", title: "Granični prelaz ka Kosovu i Metohiji zatvoren", has: ["kosovo"] },
  { lang: "sr", title: "Odluka Prištine izazvala proteste", has: ["kosovo"] },
  { lang: "sr", title: "Delegacija iz Pristine nije dosla na sastanak", has: ["kosovo"] },
  { lang: "sr", title: "Kurti: Nećemo menjati odluku o dinaru", has: ["kosovo"] },
  { lang: "sr", title: "Predsednik Tači ponovio da je spreman na dogovor sa Beogradom", has: ["kosovo"] },
  // Thaçi named without being named as Kosovo's leader is not Kosovo (THEMES.md)
  { lang: "sr", title: "Tači ponovio da je spreman na dogovor sa Beogradom", not: ["kosovo"] },
  { lang: "sr", title: "KFOR pojačao patrole kod Zvečana", has: ["kosovo"] },
  { lang: "sr", title: "Mandat misije EULEX-a produžen", has: ["kosovo"] },
  { lang: "sr", title: "Srpska lista napustila institucije na severu", has: ["kosovo"] },
  { lang: "sr", title: "Zajednica srpskih opština i dalje samo na papiru", has: ["kosovo"] },
  { lang: "sr", title: "Kancelarija za KiM osudila hapšenje", has: ["kosovo"] },
  { lang: "sr", title: "Kosmet: napeto na prelazu", has: ["kosovo"] },
  { lang: "sr", title: "Predstavnici kosovsko-metohijskih opština u Skupštini", has: ["kosovo"] },
  { lang: "sr", title: "Kosovska policija upala u opštinu", has: ["kosovo"] },
  { lang: "sr", title: "Savet bezbednosti o Rezoluciji 1244", has: ["kosovo"] },
  { lang: "sr", title: "Ideja o razgraničenju ponovo na stolu", has: ["kosovo"] },
  { lang: "sr", title: "Korekcija granica nije rešenje, kažu analitičari", has: ["kosovo"] },
  { lang: "sr", title: "Frizeri: kako da negujete kosu tokom zime", not: ["kosovo"] },
  { lang: "sr", title: "Crni kos i drozd prvi najavljuju proleće", not: ["kosovo"] },
  { lang: "sr", title: "Ornitolozi prebrojali kosove u Košutnjaku", not: ["kosovo"] },
  { lang: "sr", title: "Petar Kosovac postigao dva gola", not: ["kosovo"] },
  { lang: "sr", title: "Milica Kosović nova direktorka škole", not: ["kosovo"] },
  { lang: "sr", title: "Kosovica nabujala posle kiše", not: ["kosovo"] },
  { lang: "ru", title: "Белград и Приштина возобновили диалог в Брюсселе", has: ["kosovo"] },
  { lang: "ru", title: "Косовские сербы вышли на митинг", has: ["kosovo"] },
  { lang: "ru", title: "Напряженность на севере Косова сохраняется", has: ["kosovo"] },
  { lang: "ru", title: "Правительство Курти ввело новые пошлины", has: ["kosovo"] },
  { lang: "ru", title: "Миротворцы КФОР усилили патрулирование", has: ["kosovo"] },
  { lang: "ru", title: "Небензя напомнил о резолюции СБ ООН 1244", has: ["kosovo"] },
  { lang: "ru", title: "Сообщество сербских общин так и не создано", has: ["kosovo"] },
  { lang: "ru", title: "Форвард Косов продлил контракт с клубом", not: ["kosovo"] },
  { lang: "ru", title: "Штормом размыло часть косы у Анапы", not: ["kosovo"] },
  { lang: "ru", title: "Мастерица расшила косоворотку для музея", not: ["kosovo"] },
  { lang: "en", title: "Kosovo and Serbia leaders meet in Brussels", has: ["kosovo"] },
  { lang: "en", title: "Pristina bans Serbian dinar", has: ["kosovo"] },
  { lang: "en", title: "Kosovar officials reject the plan", has: ["kosovo"] },
  { lang: "en", title: "A land swap is back on the table, diplomats say", has: ["kosovo"] },
  { lang: "en", title: "UNMIK chief briefs the Security Council", has: ["kosovo"] },
  { lang: "en", title: "Russia cites Resolution 1244 at the UN", has: ["kosovo"] },
  { lang: "en", title: "Kurti rejects Association of Serb Municipalities draft", has: ["kosovo"] },
  { lang: "en", title: "UN adopts resolution on ocean plastics", not: ["kosovo"] },
]);

run("russian_aid", [
  { lang: "sr", title: "Rusija donirala Srbiji dvadeset sanitetskih vozila", has: ["russian_aid"] },
  { lang: "sr", title: "Moskva poklonila Vojsci Srbije četiri helikoptera", has: ["russian_aid"] },
  { lang: "sr", title: "Ruski vojni lekari stigli u Kragujevac", has: ["russian_aid", "mask_diplomacy"] },
  {
    lang: "sr",
    title: "Humanitarna pomoć iz Rusije podeljena Srbima na Kosovu",
    has: ["russian_aid", "kosovo"],
  },
  { lang: "sr", title: "Rusija poslala pomoć Srbima u Republici Srpskoj", has: ["russian_aid"] },
  {
    lang: "sr",
    title: "Spasioci Srpsko-ruskog humanitarnog centra pomogli kod Pirota",
    has: ["russian_aid"],
  },
  { lang: "sr", title: "Srpsko-ruski humanitarni centar slavi godišnjicu", not: ["russian_aid"] },
  { lang: "sr", title: "Srbija poslala pomoć Rusiji posle šumskih požara", not: ["russian_aid"] },
  { lang: "sr", title: "Beograd je Moskvi poslao šatore i ćebad", not: ["russian_aid"] },
  {
    lang: "sr",
    title: "Stigla pomoć u Niš",
    summary: "Avione sa opremom poslala je Ruska Federacija.",
    has: ["russian_aid"],
  },
  { lang: "sr", title: "Vučić: Nećemo tražiti pomoć od Rusije", not: ["russian_aid"] },
  { lang: "sr", title: "Rusija poslala lekare i opremu u Italiju", not: ["russian_aid", "mask_diplomacy"] },
  { lang: "sr", title: "Ruski spasioci pomogli Turskoj posle zemljotresa", not: ["russian_aid"] },
  { lang: "sr", title: "Napad na portal izveden uz pomoć ruskih servera", not: ["russian_aid"] },
  { lang: "sr", title: "Rusija zatražila od Srbije pomoć u istrazi", not: ["russian_aid"] },
  { lang: "sr", title: "Srbija kupila od Rusije još dva helikoptera", not: ["russian_aid"] },
  { lang: "sr", title: "Ruski gas i dalje po povoljnoj ceni za Srbiju", not: ["russian_aid"] },
  { lang: "ru", title: "Россия передала Сербии гуманитарный груз", has: ["russian_aid"] },
  {
    lang: "ru",
    title: "Российские военные медики прибыли в Белград",
    has: ["russian_aid", "mask_diplomacy"],
  },
  { lang: "ru", title: "Минобороны России безвозмездно передало Сербии бронемашины", has: ["russian_aid"] },
  { lang: "ru", title: "Сербия отправила помощь России после паводка", not: ["russian_aid"] },
  { lang: "ru", title: "Россия направила врачей в Италию", not: ["russian_aid"] },
  {
    lang: "ru",
    title: "Мошенники действовали с помощью российских серверов в Белграде",
    not: ["russian_aid"],
  },
  { lang: "ru", title: "Россия попросила Сербию о помощи в расследовании", not: ["russian_aid"] },
  { lang: "ru", title: "Сербия купила у России зенитные комплексы", not: ["russian_aid"] },
  { lang: "en", title: "Russia sends medical aid to Serbia", has: ["russian_aid"] },
  { lang: "en", title: "Russian army doctors arrive in Belgrade", has: ["russian_aid", "mask_diplomacy"] },
  { lang: "en", title: "Serbia sends aid to Russia after floods", not: ["russian_aid"] },
  { lang: "en", title: "Russia sends doctors to Italy", not: ["russian_aid"] },
  {
    lang: "en",
    title: "Belgrade says hackers struck with the help of Russian servers",
    not: ["russian_aid"],
  },
  { lang: "en", title: "Russia asked Serbia for help in the inquiry", not: ["russian_aid"] },
  { lang: "en", title: "Serbia buys Russian helicopters", not: ["russian_aid"] },
]);

run("chinese_aid", [
  { lang: "sr", title: "Kina donirala Srbiji milion maski", has: ["chinese_aid", "mask_diplomacy"] },
  { lang: "sr", title: "Kineska ambasada uručila pomoć bolnici u Kraljevu", has: ["chinese_aid"] },
  { lang: "sr", title: "Kineski lekari stigli u Beograd", has: ["chinese_aid", "mask_diplomacy"] },
  { lang: "sr", title: "Kina poklanja Srbiji šest aviona za gašenje požara", has: ["chinese_aid"] },
  {
    lang: "sr",
    title: "Kineski stručnjaci grade most",
    summary: "Radove izvodi kineska kompanija.",
    not: ["mask_diplomacy"],
  },
  {
    lang: "sr",
    title: "Stigla nova pošiljka vakcina iz Kine",
    summary: "Doze je Srbija kupila od kineskog proizvođača.",
    has: ["mask_diplomacy"],
    not: ["chinese_aid"],
  },
  { lang: "sr", title: '"Hvala, brate Si": poruke na zidovima Beograda', has: ["chinese_aid", "xi"] },
  { lang: "sr", title: "Kineski kredit za novu deonicu autoputa", not: ["chinese_aid"] },
  { lang: "sr", title: "Kineska kompanija otvara fabriku kod Zrenjanina", not: ["chinese_aid"] },
  { lang: "sr", title: "Srbija kupila kineske dronove", not: ["chinese_aid"] },
  { lang: "sr", title: "Kineski lekari otišli u Italiju", not: ["chinese_aid"] },
  { lang: "sr", title: "Srbija donirala maske Kini", not: ["chinese_aid"] },
  { lang: "ru", title: "Китай подарил Сербии аппараты ИВЛ", has: ["chinese_aid", "mask_diplomacy"] },
  { lang: "ru", title: "Китайские врачи помогают больницам Белграда", has: ["chinese_aid"] },
  { lang: "ru", title: "Китай выделит Сербии кредит на дорогу", not: ["chinese_aid"] },
  {
    lang: "ru",
    title: "Сербия закупила у Китая шесть беспилотников",
    summary: "Поставка выполнена по контракту.",
    not: ["chinese_aid"],
  },
  {
    lang: "ru",
    title: "Китай направил в Сербию вторую партию помощи",
    summary: "На борту — маски, респираторы и тесты.",
    has: ["chinese_aid", "mask_diplomacy"],
  },
  { lang: "ru", title: "Китайская компания вложит в Сербию миллиард долларов", not: ["chinese_aid"] },
  { lang: "en", title: "China donates ventilators to Serbia", has: ["chinese_aid", "mask_diplomacy"] },
  { lang: "en", title: "Chinese firm invests in Serbian copper mine", not: ["chinese_aid"] },
  { lang: "en", title: "China lends Serbia money for a bypass under a loan deal", not: ["chinese_aid"] },
  { lang: "en", title: "Serbia sends masks to China", not: ["chinese_aid"] },
]);

run("mask_diplomacy", [
  { lang: "sr", title: "Stigli respiratori iz Kine za bolnice u Nišu", has: ["mask_diplomacy"] },
  { lang: "sr", title: "Srbija kupila još ruskih vakcina", has: ["mask_diplomacy"], not: ["russian_aid"] },
  { lang: "sr", title: "Diplomatija maski: ko dobija Balkan", has: ["mask_diplomacy"] },
  { lang: "sr", title: "Norveška donirala respiratore bolnici u Čačku", has: ["mask_diplomacy"] },
  { lang: "sr", title: "Stigla prva tura Fajzerove vakcine", has: ["mask_diplomacy"] },
  { lang: "sr", title: "Srbija je Crnoj Gori poslala vakcine", not: ["mask_diplomacy"] },
  { lang: "sr", title: "Kineske maske stigle u Italiju", not: ["mask_diplomacy"] },
  { lang: "sr", title: "Vakcinalna diplomatija na delu", has: ["mask_diplomacy"] },
  { lang: "sr", title: "Maske za karneval rasprodate u Pančevu", not: ["mask_diplomacy"] },
  { lang: "sr", title: "Predlog: zabrana maski na protestima", not: ["mask_diplomacy"] },
  { lang: "sr", title: "Domaći proizvođač isporučio maske bolnicama", not: ["mask_diplomacy"] },
  { lang: "sr", title: "Maske obavezne u javnom prevozu od ponedeljka", not: ["mask_diplomacy"] },
  { lang: "ru", title: "Российская вакцина доставлена в Белград", has: ["mask_diplomacy"] },
  { lang: "ru", title: "Дипломатия масок на Балканах", has: ["mask_diplomacy"] },
  { lang: "ru", title: "В Москве отменили масочный режим", not: ["mask_diplomacy"] },
  { lang: "ru", title: "Карнавальные маски снова в моде", not: ["mask_diplomacy"] },
  {
    lang: "ru",
    title: "Сербские врачи отправились на помощь в Италию",
    not: ["mask_diplomacy", "russian_aid"],
  },
  { lang: "ru", title: "Маски-шоу: ОМОН провел обыски в офисе компании", not: ["mask_diplomacy"] },
  { lang: "en", title: "Protesters in Belgrade wear Guy Fawkes masks", not: ["mask_diplomacy"] },
  { lang: "en", title: "Japanese ventilators donated to Serbia via UNDP", has: ["mask_diplomacy"] },
  { lang: "en", title: "Serbia receives Chinese vaccines", has: ["mask_diplomacy"] },
  { lang: "en", title: "The limits of vaccine diplomacy", has: ["mask_diplomacy"] },
  { lang: "en", title: "Venice carnival masks draw crowds", not: ["mask_diplomacy"] },
  { lang: "en", title: "Serbian factory doubles mask output for home market", not: ["mask_diplomacy"] },
]);

run("eu_aid", [
  { lang: "sr", title: "EU donirala opremu Kliničkom centru Niš", has: ["eu_aid"] },
  { lang: "sr", title: "Iz IPA fondova finansirano 20 projekata u Srbiji", has: ["eu_aid"] },
  { lang: "sr", title: "Delegacija Evropske unije predala vozila policiji", has: ["eu_aid"] },
  { lang: "sr", title: "Evropska unija obezbedila bespovratna sredstva za škole", has: ["eu_aid"] },
  { lang: "sr", title: "EU odobrila kredit Crnoj Gori", not: ["eu_aid"] },
  { lang: "sr", title: "Brisel: Srbija da uskladi spoljnu politiku sa EU", not: ["eu_aid"] },
  { lang: "sr", title: "EU uvela nove sankcije", not: ["eu_aid"] },
  { lang: "sr", title: "EU zamrzla deo IPA fondova za Srbiju", not: ["eu_aid"] },
  { lang: "sr", title: "Projekat realizovan uz finansijsku podršku Evropske unije", has: ["eu_aid"] },
  { lang: "sr", title: "Otvaranje novog klastera u pregovorima sa EU odloženo", not: ["eu_aid"] },
  { lang: "ru", title: "Евросоюз выделил Сербии грант на очистку рек", has: ["eu_aid"] },
  { lang: "ru", title: "Евросоюз профинансирует строительство больницы в Крагуеваце", has: ["eu_aid"] },
  { lang: "ru", title: "Брюссель раскритиковал Белград за сближение с Москвой", not: ["eu_aid"] },
  { lang: "en", title: "EU lawmakers urge halt to Serbia funds over election fraud", not: ["eu_aid"] },
  { lang: "en", title: "EU gives Serbia 70 million euros in grants for clean energy", has: ["eu_aid"] },
  { lang: "ru", title: "ЕС выделил Молдавии кредит", not: ["eu_aid"] },
  { lang: "ru", title: "Европейский союз передал Сербии оборудование для пограничников", has: ["eu_aid"] },
  { lang: "ru", title: "ЕС продлил санкции против России", not: ["eu_aid"] },
  { lang: "en", title: "EU grant funds new school in Serbia", has: ["eu_aid"] },
  { lang: "en", title: "EU accession talks with Serbia stall", not: ["eu_aid"] },
  { lang: "en", title: "EU loan for Ukraine approved", not: ["eu_aid"] },
]);

run("actors", [
  { lang: "sr", title: "Vučić razgovarao sa Putinom", has: ["vucic", "putin"] },
  { lang: "sr", title: "Poruka Vučiću iz Pekinga", has: ["vucic"] },
  { lang: "sr", title: "Sastanak sa Vučićem odložen", has: ["vucic"] },
  { lang: "sr", title: "Vucic: Srbija ostaje vojno neutralna", has: ["vucic"] },
  { lang: "sr", title: "Andrej Vučić na otvaranju izložbe", not: ["vucic"] },
  { lang: "sr", title: "Marko Vučićević dobio nagradu", not: ["vucic"] },
  { lang: "sr", title: "Advokat Andreja Vučića podneo žalbu", not: ["vucic"] },
  { lang: "sr", title: "Nikola Vučić osvojio turnir u šahu", not: ["vucic"] },
  { lang: "sr", title: "Aleksandar Vučić otvorio sajam", has: ["vucic"] },
  { lang: "sr", title: "Putinova poruka Beogradu", has: ["putin"] },
  { lang: "sr", title: "Putovanje vozom do Bara traje kraće", not: ["putin"] },
  { lang: "sr", title: "Putnici čekali satima na aerodromu", not: ["putin"] },
  { lang: "sr", title: "Putinci dobijaju novi vodovod", not: ["putin"] },
  { lang: "sr", title: "Si Đinping stiže u posetu", has: ["xi"] },
  { lang: "sr", title: "Si Đinpingova poseta Beogradu", has: ["xi"] },
  { lang: "sr", title: "Predsednik Si u Beogradu", has: ["xi"] },
  { lang: "sr", title: "Hvala, brate Si!", has: ["xi"] },
  { lang: "sr", title: "Brate, si li video utakmicu?", not: ["xi"] },
  { lang: "sr", title: "Si Djinping i Vučić potpisali sporazume", has: ["xi", "vucic"] },
  { lang: "sr", title: "Ti si naš šampion", not: ["xi"] },
  { lang: "sr", title: "Gde si bio sinoć?", not: ["xi"] },
  { lang: "ru", title: "Вучич встретился с Путиным", has: ["vucic", "putin"] },
  { lang: "ru", title: "Песков рассказал о звонке Путину", has: ["putin"] },
  { lang: "ru", title: "Си Цзиньпином подписан указ", has: ["xi"] },
  { lang: "ru", title: "Андрей Вучич подал иск", not: ["vucic"] },
  { lang: "ru", title: "Лососевая путина стартовала на Камчатке", not: ["putin"] },
  { lang: "ru", title: "Выставка о Распутине открылась", not: ["putin"] },
  { lang: "ru", title: "Путинский курс обсудили эксперты", has: ["putin"] },
  { lang: "ru", title: "Кремль: визит в Белград пока не планируется", not: ["putin"] },
  { lang: "ru", title: "Пекин ответил на заявление Белграда", not: ["xi"] },
  { lang: "ru", title: "Путешествие по Сербии без визы", not: ["putin"] },
  { lang: "ru", title: "Школьники написали код на Си", not: ["xi"] },
  { lang: "ru", title: "Соната си-бемоль минор прозвучит в Клину", not: ["xi"] },
  { lang: "en", title: "Xi Jinping lands in Belgrade", has: ["xi"] },
  { lang: "en", title: "Putin's envoy meets Vucic", has: ["putin", "vucic"] },
  { lang: "en", title: "Wine fair opens in Xi'an", not: ["xi"] },
  { lang: "en", title: "Pope Pius XI archives opened", not: ["xi"] },
]);

describe("Serbian Cyrillic written by hand", () => {
  it("matches Cyrillic forms with the same Serbian rule", () => {
    const ids = tagItem(tax, { title: "Вучићу честитао Си Ђинпинг, Путин ћутао о Косову" }).map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining(["vucic", "xi", "putin", "kosovo"]));
  });
});
