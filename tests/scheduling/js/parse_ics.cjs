// Parse an iCalendar file (standard input) with ical.js, the parser Thunderbird uses, and print
// what a calendar client would read from it as JSON. Used by tests/scheduling/test_ics.py.
const ICAL = require("ical.js");
const fs = require("fs");

const text = fs.readFileSync(0, "utf8");
const root = new ICAL.Component(ICAL.parse(text));
for (const tz of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(tz);
}
const vevent = root.getFirstSubcomponent("vevent");
const event = new ICAL.Event(vevent);
const organizer = vevent.getFirstProperty("organizer");
console.log(JSON.stringify({
  method: root.getFirstPropertyValue("method"),
  uid: event.uid,
  sequence: event.sequence,
  organizer: organizer ? organizer.getFirstValue() : null,
  organizerName: organizer ? organizer.getParameter("cn") : null,
  location: event.location,
  summary: event.summary,
  status: vevent.getFirstPropertyValue("status"),
  tzid: event.startDate.zone ? event.startDate.zone.tzid : null,
  startUtc: event.startDate.toJSDate().toISOString(),
  endUtc: event.endDate.toJSDate().toISOString(),
  utcOffsetSeconds: event.startDate.utcOffset(),
}));
