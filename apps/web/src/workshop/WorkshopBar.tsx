/** What the lab bar shows of workshops: the instructor's Workshops button, or who a participant is. */
import { isInstructor, participantOf, useWorkshop } from './useWorkshop';

export function WorkshopsButton() {
  const instructor = useWorkshop(isInstructor);
  const open = useWorkshop((s) => s.open);
  if (!instructor) return null;
  return (
    <button type="button" aria-expanded={open} onClick={() => useWorkshop.getState().setOpen(!open)}>
      Workshops
    </button>
  );
}

export function WhoAmI() {
  const me = useWorkshop(participantOf);
  if (!me) return null;
  return (
    <span className="who" title={`You are in the workshop "${me.workshop.title}"`}>
      <strong>{me.participant.name}</strong> · Participant
    </span>
  );
}
