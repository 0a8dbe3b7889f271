// Reads an iCalendar file with ical.js (a parser not ours) and prints what a
// calendar application would see, as JSON: the time zone and every event.
import { readFileSync } from 'node:fs';
import ICAL from 'ical.js';

const text = readFileSync(process.argv[2], 'utf8');
const calendar = new ICAL.Component(ICAL.parse(text));
const zone = calendar.getFirstSubcomponent('vtimezone');
if (zone) ICAL.TimezoneService.register(zone);
const events = calendar.getAllSubcomponents('vevent').map((component) => {
  const event = new ICAL.Event(component);
  return {
    uid: event.uid,
    summary: event.summary,
    location: event.location,
    description: event.description,
    tzid: event.startDate.timezone,
    start: event.startDate.toString(),
    end: event.endDate.toString(),
    startUtc: event.startDate.toJSDate().toISOString(),
    attendees: event.attendees.map((a) => a.getParameter('cn')),
  };
});
console.log(JSON.stringify({
  version: calendar.getFirstPropertyValue('version'),
  timezone: zone ? zone.getFirstPropertyValue('tzid') : '',
  events,
}));
