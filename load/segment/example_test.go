package segment_test

import (
	"fmt"

	"github.com/gatecheck/gatecheck/load/segment"
)

// The second of three processes: its share of 10 VUs and 100 shared
// iterations, its mean arrival rate, and the first iterations of the whole
// test that it starts.
func Example() {
	p, err := segment.New("1/3:2/3", "0,1/3,2/3,1")
	if err != nil {
		panic(err)
	}
	fmt.Println(p.Scale(10), p.Scale(100), p.ScaleRate(30))
	for g := range p.Indices() {
		if g > 10 {
			break
		}
		fmt.Print(g, " ")
	}
	fmt.Println()
	// Output:
	// 3 33 10
	// 1 4 7 10
}
