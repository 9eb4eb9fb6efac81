/**
 * A fixed number of slots for work that holds a scarce resource for long (an upload holds a database
 * connection for as long as its client sends): taken without waiting, or refused.
 */
export class Slots {
  private taken = 0;

  constructor(readonly size: number) {}

  /** A slot and the function that gives it back (once), or null when every slot is taken. */
  tryTake(): (() => void) | null {
    if (this.taken >= this.size) return null;
    this.taken++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.taken--;
    };
  }
}
